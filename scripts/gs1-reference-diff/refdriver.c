/*
 * Differential driver for GS1's reference engine (gs1encoders, the GS1 Barcode Syntax Engine).
 *
 * Reads lines "<mode>\t<input>" from stdin, mode one of:
 *   ai    gs1_encoder_setAIdataStr   (bracketed "(01)...")
 *   data  gs1_encoder_setDataStr     ("^01..." element string, or a Digital Link URI)
 *   scan  gs1_encoder_setScanData    ("]d2..." with GS)
 * "\x1d" (either case) in the input spells GS, as in `gs1-gateway parse`.
 * Prints one JSON object per line:
 *   {"ok":true,"elements":[["01","0950..."],...],"hri":"(01)...","data_str":"^01...",
 *    "digital_link":"https://..."|null}
 *   {"ok":false,"error":"<reference error message>"}
 * Inputs that setDataStr takes as plain (non-GS1) data print {"ok":false,"error":"plain data"}.
 *
 * Options: --strict (default: requisite-AI validation off, i.e. like gs1-gateway without
 * --strict; the reference cannot turn off mutually-exclusive AI checks), --permit-unknown-ais,
 * --permit-zero-suppressed-gtin, --dl-stem URL, --syndict FILE (load a Syntax Dictionary
 * instead of the embedded table), --bench N (time N passes over the input instead).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gs1encoders.h"

static void json_str(const char *s) {
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') { putchar('\\'); putchar(c); }
		else if (c < 0x20) printf("\\u%04x", c);
		else putchar(c);
	}
	putchar('"');
}

static void unescape_gs(char *s) {
	char *o = s;
	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] == '1' && (s[3] == 'd' || s[3] == 'D')) {
			*o++ = 0x1d;
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = 0;
}

static bool run(gs1_encoder *ctx, const char *mode, const char *input) {
	if (strcmp(mode, "ai") == 0) return gs1_encoder_setAIdataStr(ctx, input);
	if (strcmp(mode, "scan") == 0) return gs1_encoder_setScanData(ctx, input);
	return gs1_encoder_setDataStr(ctx, input);
}

int main(int argc, char **argv) {
	bool strict = false, unknown = false, zsup = false;
	const char *stem = "https://id.gs1.org", *syndict = NULL;
	long bench = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--strict")) strict = true;
		else if (!strcmp(argv[i], "--permit-unknown-ais")) unknown = true;
		else if (!strcmp(argv[i], "--permit-zero-suppressed-gtin")) zsup = true;
		else if (!strcmp(argv[i], "--dl-stem") && i + 1 < argc) stem = argv[++i];
		else if (!strcmp(argv[i], "--syndict") && i + 1 < argc) syndict = argv[++i];
		else if (!strcmp(argv[i], "--bench") && i + 1 < argc) bench = atol(argv[++i]);
		else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
	}
	gs1_encoder_init_status_t status;
	char msg[512] = "";
	gs1_encoder_init_opts_t opts = {
		.struct_size = sizeof(gs1_encoder_init_opts_t),
		.flags = gs1_encoder_iDEFAULT,
		.syntaxDictionary = syndict,
		.status = &status,
		.msgBuf = msg,
		.msgBufSize = sizeof(msg),
	};
	gs1_encoder *ctx = gs1_encoder_init_ex(NULL, &opts);
	if (!ctx) { fprintf(stderr, "init failed: %s\n", msg); return 2; }
	if (status != GS1_ENCODERS_INIT_SUCCESS && *msg) fprintf(stderr, "init warning: %s\n", msg);
	gs1_encoder_setValidationEnabled(ctx, gs1_encoder_vREQUISITE_AIS, strict);
	gs1_encoder_setPermitUnknownAIs(ctx, unknown);
	gs1_encoder_setPermitZeroSuppressedGTINinDLuris(ctx, zsup);

	static char line[65536];
	char **modes = NULL, **inputs = NULL;
	size_t n = 0, cap = 0;
	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
		char *tab = strchr(line, '\t');
		const char *mode = "data", *input = line;
		if (tab) { *tab = 0; mode = line; input = tab + 1; }
		unescape_gs((char *)input);
		if (bench) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				modes = realloc(modes, cap * sizeof(char *));
				inputs = realloc(inputs, cap * sizeof(char *));
			}
			modes[n] = strdup(mode);
			inputs[n] = strdup(input);
			n++;
			continue;
		}
		if (!run(ctx, mode, input)) {
			printf("{\"ok\":false,\"error\":");
			json_str(gs1_encoder_getErrMsg(ctx));
			printf("}\n");
			continue;
		}
		char *ai = gs1_encoder_getAIdataStr(ctx);	/* shares a buffer with getHRI: copy */
		if (ai) ai = strdup(ai);
		if (!ai) { printf("{\"ok\":false,\"error\":\"plain data\"}\n"); continue; }
		printf("{\"ok\":true,\"elements\":[");
		char **hri;
		int k = gs1_encoder_getHRI(ctx, &hri);
		for (int j = 0; j < k; j++) {
			if (j) putchar(',');
			const char *h = hri[j];
			if (h[0] != '(') { json_str(h); continue; }	/* "--" composite separator */
			const char *close = strchr(h, ')');
			char aibuf[16] = "";
			size_t al = (size_t)(close - h - 1);
			if (al >= sizeof(aibuf)) al = sizeof(aibuf) - 1;
			memcpy(aibuf, h + 1, al);
			printf("[");
			json_str(aibuf);
			printf(",");
			json_str(close + 2);
			printf("]");
		}
		printf("],\"hri\":");
		json_str(ai);
		free(ai);
		printf(",\"data_str\":");	/* normalised element string, ^ = FNC1 (not for URIs) */
		json_str(gs1_encoder_getDataStr(ctx));
		printf(",\"digital_link\":");
		char *uri = gs1_encoder_getDLuri(ctx, stem);
		if (uri) json_str(uri); else printf("null");
		printf("}\n");
	}
	if (bench) {
		struct timespec t0, t1;
		long ok = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long r = 0; r < bench; r++)
			for (size_t i = 0; i < n; i++)
				ok += run(ctx, modes[i], inputs[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("%ld scans (%ld accepted) in %.3f s: %.0f scans/s\n", bench * (long)n, ok, s, (double)bench * (double)n / s);
	}
	gs1_encoder_free(ctx);
	return 0;
}
