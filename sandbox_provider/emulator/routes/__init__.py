"""The emulator's HTTP surface: one APIRouter per area, each in its own module here.

The logic lives in the modules one level up (`packages`, `imports`, `sharing`, `auth`, ...);
these modules only map method and path to it. `app.create_app` includes the routers.
"""
