/* dash_text.c - the dashboard's UI text, ready for translation.
 *
 * Every string the dashboard shows goes through cx_dash_t(). The English
 * text is the key (as gettext's msgid), so code stays readable and a
 * missing translation falls back to English. A translation is one table of
 * {English, translated} pairs added to langs[] below; cx_dash_lang() picks
 * it. Only English exists today. */
#include <string.h>

#include "http/dash_int.h"

struct pair {
    const char *en, *tr;
};

struct lang {
    const char *code;
    const struct pair *pairs;
    size_t n;
};

/* Add translations here, e.g. {"nb", nb_pairs, sizeof nb_pairs / sizeof nb_pairs[0]}. */
static const struct lang langs[] = {{"en", NULL, 0}};

static _Thread_local const struct lang *current = &langs[0];

void cx_dash_lang(const char *code)
{
    current = &langs[0];
    for (size_t i = 0; code && i < sizeof langs / sizeof langs[0]; i++)
        if (!strcmp(langs[i].code, code)) current = &langs[i];
}

const char *cx_dash_lang_code(void)
{
    return current->code;
}

const char *cx_dash_t(const char *en)
{
    for (size_t i = 0; i < current->n; i++)
        if (!strcmp(current->pairs[i].en, en)) return current->pairs[i].tr;
    return en;
}
