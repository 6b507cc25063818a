/*
 * common/kex.h: key exchange pieces shared by the transport (worker, later
 * the client) and the monitor: the table of kex methods, KEXINIT building and
 * negotiation (RFC 4253 7.1), the exchange hash (RFC 4253 8, RFC 5656 4,
 * RFC 8731 3) and key derivation (RFC 4253 7.2).
 */
#ifndef RAMPART_COMMON_KEX_H
#define RAMPART_COMMON_KEX_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"
#include "crypto/hash.h"

#define RP_KEX_NAME_MAX 64

/* Markers that ride in the kex_algorithms list of the first KEXINIT. */
#define RP_KEX_EXT_INFO_C "ext-info-c"
#define RP_KEX_EXT_INFO_S "ext-info-s"
#define RP_KEX_STRICT_C "kex-strict-c-v00@openssh.com"
#define RP_KEX_STRICT_S "kex-strict-s-v00@openssh.com"

/* How the two sides reach the shared secret. */
enum rp_kex_kind {
	RP_KEX_X25519,           /* RFC 8731 */
	/* Hybrid KEM + X25519: Q_C is the KEM public key then the client's
	 * X25519 value, Q_S the KEM ciphertext then ours; K = HASH(KEM
	 * secret || X25519 secret), carried as a string. */
	RP_KEX_MLKEM768_X25519,  /* draft-ietf-sshm-mlkem-hybrid-kex, FIPS 203 */
	RP_KEX_SNTRUP761_X25519, /* OpenSSH's sntrup761x25519-sha512 */
	RP_KEX_ECDH_P256,        /* RFC 5656 */
	RP_KEX_ECDH_P384,
	RP_KEX_ECDH_P521,
	RP_KEX_DH_GROUP14,       /* RFC 4253 8, RFC 8268: MODP groups */
	RP_KEX_DH_GROUP16,
	RP_KEX_DH_GROUP18,
	/* RFC 4419: the client asks for a size, the server names the group
	 * (from its moduli file); then e, f and K as for the fixed groups. */
	RP_KEX_DH_GEX,
};

/* Largest Q_C / Q_S of any method (mlkem768x25519's client value), and
 * the largest raw K (diffie-hellman-group18's 8192 bits). */
#define RP_KEX_MAX_Q 1216
#define RP_KEX_MAX_K 1024

struct rp_kex_method {
	const char *name;
	enum rp_hash_alg hash;
	enum rp_kex_kind kind;
	/* Exact lengths of Q_C, Q_S and the shared secret K as carried in
	 * IPC KEX_SIGN (for curve25519: 32, 32 and the raw 32-byte output;
	 * for the hybrids the hash output). 0 for group exchange, where each
	 * is as long as the group's prime: see rp_kex_value_len(). */
	size_t q_c_len, q_s_len, k_len;
	/* 1 when K enters the hash as an mpint made from K's bytes (RFC 8731
	 * section 3: the X25519 output read as a big-endian integer); 0 when
	 * it enters as a string (the hybrid KEMs). */
	int k_is_mpint;
	/* 1 when Q_C and Q_S are mpints (e and f of finite-field DH) on the
	 * wire and in the hash; they are then carried as unsigned big-endian
	 * numbers zero-padded to q_c_len / q_s_len (the prime's size). */
	int q_is_mpint;
};

/* The group of a group exchange (RFC 4419 3): what the client asked for
 * (min <= n <= max bits) and the prime p and generator g the server chose,
 * unsigned big-endian without leading zero bytes. Unused (all zero) for
 * every other method. */
struct rp_kex_gex {
	uint32_t min, n, max;
	CBS p, g;
};

const struct rp_kex_method *rp_kex_method_by_name(const char *name);
/* Length of Q_C, Q_S and K (all three are the same size when the method's
 * are 0): the method's fixed length, or the group exchange prime's. */
size_t rp_kex_value_len(const struct rp_kex_method *method, size_t fixed,
    const struct rp_kex_gex *gex);
/* 1 when a group exchange request (RFC 4419 3) is one a server may
 * answer: min <= n <= max, and max at least RP_DH_GEX_MIN_BITS. */
int rp_kex_gex_request_ok(uint32_t min, uint32_t n, uint32_t max);
/* Every kex method implemented, best first. */
const char *rp_kex_supported_list(void);
/* The server's side of the exchange: from the client's Q_C (q_c_len
 * bytes), our Q_S (q_s_len bytes, at most RP_KEX_MAX_Q) and the raw shared
 * secret K (k_len bytes, at most RP_KEX_MAX_K). 0 (nothing secret left in
 * the outputs) when Q_C is not acceptable: an X25519 value giving the
 * all-zero secret, or a KEM public key failing its check. gex names the
 * group for group exchange and is ignored otherwise. */
int rp_kex_server_reply(const struct rp_kex_method *method, const struct rp_kex_gex *gex,
    const uint8_t *q_c, uint8_t *q_s, uint8_t *k);

/* The algorithms both sides agreed on. */
struct rp_kex_algs {
	char kex[RP_KEX_NAME_MAX];
	char hostkey[RP_KEX_NAME_MAX];
	char cipher_c2s[RP_KEX_NAME_MAX], cipher_s2c[RP_KEX_NAME_MAX];
	char mac_c2s[RP_KEX_NAME_MAX], mac_s2c[RP_KEX_NAME_MAX];
	char comp_c2s[RP_KEX_NAME_MAX], comp_s2c[RP_KEX_NAME_MAX];
};

/* A peer's KEXINIT (RFC 4253 7.1), fields pointing into the payload. */
struct rp_kexinit {
	CBS kex, hostkey, cipher_c2s, cipher_s2c, mac_c2s, mac_s2c, comp_c2s, comp_s2c;
	CBS lang_c2s, lang_s2c;
	int first_kex_follows;
};

/* Parse a KEXINIT payload, message number included. */
int rp_kexinit_parse(const uint8_t *payload, size_t len, struct rp_kexinit *out);

/* What we offer in our KEXINIT. */
struct rp_kex_offer {
	const char *kex;     /* methods only; markers are added by the builder */
	const char *hostkey;
	const char *ciphers;
	const char *macs;
	const char *compression; /* NULL: "none" */
};

/* Build our KEXINIT payload (message number included). is_server picks
 * the markers: "ext-info-s"/"kex-strict-s-..." for a server, "-c" for a
 * client, appended only when first_kex is set. */
int rp_kexinit_build(CBB *out, const struct rp_kex_offer *offer, int is_server, int first_kex);

/* Negotiate: client and server KEXINITs. On failure *what names the
 * category that had no common algorithm ("key exchange", "host key",
 * "cipher (client to server)", ...). A missing common MAC is not a failure
 * here (the AEADs need none); the MAC names are then left empty. */
int rp_kex_negotiate(const struct rp_kexinit *client, const struct rp_kexinit *server,
    struct rp_kex_algs *out, const char **what);

/* RFC 4253 7: is a guessed first kex packet right? Only when both sides
 * prefer the same kex and the same host key algorithm (their first names),
 * even if the guesser's choice would be negotiated anyway. Only meaningful
 * when the guesser set first_kex_follows. */
int rp_kex_guess_right(const struct rp_kexinit *client, const struct rp_kexinit *server);

/* The parts of the exchange hash. */
struct rp_kex_hash_parts {
	CBS v_c, v_s, i_c, i_s, k_s, q_c, q_s, k;
	struct rp_kex_gex gex; /* group exchange only */
};

/* H = HASH(string V_C || string V_S || string I_C || string I_S ||
 *          string K_S || string Q_C || string Q_S || K)
 * where K is an mpint (of K's bytes when the method says so); for group
 * exchange (RFC 4419 3) uint32 min || uint32 n || uint32 max || mpint p ||
 * mpint g come between K_S and Q_C. out must hold RP_HASH_MAX_LEN bytes;
 * *out_len gets the hash length. */
int rp_kex_exchange_hash(const struct rp_kex_method *method,
    const struct rp_kex_hash_parts *parts, uint8_t *out, size_t *out_len);

/* Encode the shared secret as it enters the hash and key derivation
 * (mpint), appending to out. k_len must be the method's (for group
 * exchange: at most RP_KEX_MAX_K). */
int rp_kex_encode_k(const struct rp_kex_method *method, const uint8_t *k, size_t k_len,
    CBB *out);

/* Derive need bytes of key material for letter X ('A'..'F'):
 * K1 = HASH(K || H || X || session_id), Kn+1 = HASH(K || H || K1..Kn).
 * k_encoded is the mpint-encoded K. out gets exactly need bytes. */
int rp_kex_derive(enum rp_hash_alg hash, const uint8_t *k_encoded, size_t k_encoded_len,
    const uint8_t *h, size_t h_len, char letter, const uint8_t *session_id,
    size_t session_id_len, uint8_t *out, size_t need);

#endif
