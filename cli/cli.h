/* SPDX-License-Identifier: MIT */
#ifndef VMC_CLI_H
#define VMC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcorekit/vmcorekit.h"

/* Exit codes (docs/man/vmcorekit.1). */
enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,		/* bad input or data */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_ENV = 3,		/* I/O or environment */
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

extern const char *prog;

/* Print "vmcorekit CMD: msg" and return the exit code for the status. */
int fail(const char *cmd, const vmc_error *e);
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int status_exit_code(vmc_status st);

/* Read a whole (small) file; NULL with *e set on failure. */
char *slurp(const char *path, size_t max, size_t *len, vmc_error *e);

/* A minimal streaming JSON writer. */
struct json {
	FILE *f;
	int depth;
	bool first[32];
	bool pretty;
};
void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_hex(struct json *j, const char *key, uint64_t v);
void json_f64(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
void json_done(struct json *j);

int cmd_build(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_assemble(int argc, char **argv);

#endif
