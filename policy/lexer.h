/*
 * policy/lexer.h: the policy language's tokens (internal to policy/).
 *
 * A file is a sequence of
 *
 *     WORD    a run of non-blank characters other than { } " # ;
 *     STRING  "double quoted", escapes \" and \\ only, on one line
 *     OPEN    {
 *     CLOSE   }
 *     END     a newline (LF or CRLF) or ';': the end of a statement
 *     EOF     the end of the text
 *
 * Blanks (space, tab) separate tokens; '#' outside quotes starts a comment
 * that runs to the end of the line. The text must be UTF-8 without control
 * characters other than tab (and the CR of a CRLF). Every token carries its
 * 1-based line and column, counted in bytes.
 */
#ifndef RAMPART_POLICY_LEXER_H
#define RAMPART_POLICY_LEXER_H

#include <stddef.h>

/* The longest WORD or STRING (after unescaping), in bytes. */
#define RP_LEX_MAX_TOKEN 4096

enum rp_token_kind {
	RP_TOK_WORD,
	RP_TOK_STRING,
	RP_TOK_OPEN,
	RP_TOK_CLOSE,
	RP_TOK_END,
	RP_TOK_EOF,
};

struct rp_token {
	enum rp_token_kind kind;
	/* WORD and STRING: malloc'd, NUL-terminated (the text never holds a
	 * NUL: the lexer refuses control characters); NULL otherwise. */
	char *text;
	size_t len;
	unsigned line;
	unsigned col;
};

/* Why the text could not be split, and where. msg reads
 * "what is wrong; expected what" without the position. */
struct rp_lex_error {
	unsigned line;
	unsigned col;
	char msg[256];
};

struct rp_lexer {
	const char *buf;
	size_t len;
	size_t off;
	unsigned line;
	size_t line_start; /* offset of the first byte of the current line */
};

void rp_lexer_init(struct rp_lexer *lx, const char *buf, size_t len);
/* The next token. Returns 1 with *tok filled (the caller clears it with
 * rp_token_clear), or 0 with *err filled and nothing allocated. After EOF it
 * keeps returning EOF. */
int rp_lexer_next(struct rp_lexer *lx, struct rp_token *tok, struct rp_lex_error *err);
void rp_token_clear(struct rp_token *tok);

#endif
