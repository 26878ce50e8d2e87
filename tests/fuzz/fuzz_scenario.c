/*
 * fuzz_scenario.c - the scenario loader under libFuzzer.
 *
 * Whatever the bytes, scenario_load_buffer() must return: no crash, no
 * leak, no hang, and a failure must come with one line that names the
 * file and holds no control characters (it is printed to a terminal).
 * A scenario that loads must export to YAML that loads again, and that
 * second scenario must export to the same bytes: export then import
 * gives the same scenario.
 *
 * Built alone with -fsanitize=fuzzer (make fuzz), or with
 * FUZZ_NO_ENTRY defined and included by tests/test_fuzz_regress.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scenario_yaml.h"

#define FUZZ_FILE "fuzz.yaml"

static void scenario_broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_scenario: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* Whether text is valid UTF-8 without C0 controls or DEL. */
static int printable_utf8(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2
              : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;

        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
            return 0;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

static void check_message(const char *err)
{
    if (memchr(err, '\0', 2048) == NULL)
        scenario_broken("the error message is not terminated", NULL);
    if (strncmp(err, FUZZ_FILE ":", strlen(FUZZ_FILE) + 1) != 0)
        scenario_broken("the error message does not name the file", err);
    if (!printable_utf8(err))
        scenario_broken("the error message holds a control character or is not "
               "UTF-8", err);
}

int fuzz_scenario_input(const uint8_t *data, size_t size)
{
    struct scenario s, again;
    char err[2048];
    char *first, *second;

    memset(err, 'x', sizeof err);
    if (scenario_load_buffer(&s, FUZZ_FILE, (const char *)data, size, err,
                             sizeof err) < 0) {
        check_message(err);
        scenario_free(&s);
        return 0;
    }
    first = scenario_export_string(&s);
    if (!first)
        scenario_broken("the export failed", NULL);
    if (scenario_load_buffer(&again, FUZZ_FILE, first, strlen(first), err,
                             sizeof err) < 0) {
        fprintf(stderr, "--- exported:\n%s--- error:\n", first);
        scenario_broken("what was exported does not load", err);
    }
    second = scenario_export_string(&again);
    if (!second)
        scenario_broken("the second export failed", NULL);
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "--- first export:\n%s--- second export:\n%s",
                first, second);
        scenario_broken("export, import, export changed the file", NULL);
    }
    free(first);
    free(second);
    scenario_free(&s);
    scenario_free(&again);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_scenario_input(data, size);
}
#endif
