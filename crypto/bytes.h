/*
 * crypto/bytes.h: BoringSSL's CBS/CBB bytestring API, the one way rampart
 * parses and builds wire data (SSH packets, IPC messages, key files).
 *
 * Only crypto/ includes BoringSSL headers (DESIGN.md); the rest of rampart
 * gets CBS and CBB through this header. CBS parsing cannot over-read, and CBB
 * building has a sticky error, so a caller checks once at the end.
 */
#ifndef RAMPART_CRYPTO_BYTES_H
#define RAMPART_CRYPTO_BYTES_H

#include <openssl/bytestring.h>
/* CBB_finish() hands back memory that is released with OPENSSL_free(). */
#include <openssl/mem.h>

#endif
