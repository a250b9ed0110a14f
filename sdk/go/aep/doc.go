// Packages, publications, imports, handshakes and transfers of AEP sandbox tooling (exim).
package aep
