// The only file in Tarjama that includes ICU headers. Keep it small: conversion between UTF-8
// and ICU's UTF-16 happens here so Swift code never handles UChar.
#include "CICUShim.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

struct tj_breaker {
    UBreakIterator *iterator;
};

tj_breaker *tj_breaker_open(int32_t kind, const char *locale, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIteratorType type = kind == TJ_BREAK_WORD ? UBRK_WORD : UBRK_SENTENCE;
    UBreakIterator *iterator = ubrk_open(type, locale, NULL, 0, &status);
    *error = status;
    if (U_FAILURE(status)) return NULL;
    tj_breaker *breaker = malloc(sizeof(tj_breaker));
    if (!breaker) { ubrk_close(iterator); *error = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    breaker->iterator = iterator;
    return breaker;
}

void tj_breaker_close(tj_breaker *breaker) {
    if (!breaker) return;
    ubrk_close(breaker->iterator);
    free(breaker);
}

int32_t tj_breaker_boundaries(tj_breaker *breaker, const uint8_t *utf8, int32_t length,
                              int32_t *out, int32_t *rule_status, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    // A UTF-8 UText makes ICU report native (byte) offsets, so no UTF-16 copy is needed.
    UText *text = utext_openUTF8(NULL, (const char *)utf8, length, &status);
    if (U_FAILURE(status)) { *error = status; return -1; }
    ubrk_setUText(breaker->iterator, text, &status);
    if (U_FAILURE(status)) { utext_close(text); *error = status; return -1; }
    int32_t count = 0;
    for (int32_t pos = ubrk_next(breaker->iterator); pos != UBRK_DONE; pos = ubrk_next(breaker->iterator)) {
        if (count < capacity) {
            out[count] = pos;
            if (rule_status) rule_status[count] = ubrk_getRuleStatus(breaker->iterator);
        }
        count++;
    }
    // Detach the iterator from the buffer before the UText goes away.
    UText *empty = utext_openUTF8(NULL, "", 0, &status);
    ubrk_setUText(breaker->iterator, empty, &status);
    utext_close(text);
    utext_close(empty);
    *error = U_SUCCESS(status) ? 0 : status;
    return count;
}

/// Converts UTF-8 to a freshly allocated UTF-16 buffer; the caller frees it.
static UChar *to_utf16(const uint8_t *utf8, int32_t length, int32_t *out_length, UErrorCode *status) {
    int32_t needed = 0;
    u_strFromUTF8WithSub(NULL, 0, &needed, (const char *)utf8, length, 0xFFFD, NULL, status);
    if (*status == U_BUFFER_OVERFLOW_ERROR || *status == U_STRING_NOT_TERMINATED_WARNING) *status = U_ZERO_ERROR;
    if (U_FAILURE(*status)) return NULL;
    UChar *buffer = malloc(sizeof(UChar) * (size_t)(needed + 1));
    if (!buffer) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    u_strFromUTF8WithSub(buffer, needed + 1, out_length, (const char *)utf8, length, 0xFFFD, NULL, status);
    return buffer;
}

/// Writes UTF-16 as UTF-8 into `out`; returns the needed byte length.
static int32_t to_utf8(const UChar *utf16, int32_t length, uint8_t *out, int32_t capacity, UErrorCode *status) {
    int32_t needed = 0;
    u_strToUTF8WithSub((char *)out, capacity, &needed, utf16, length, 0xFFFD, NULL, status);
    if (*status == U_BUFFER_OVERFLOW_ERROR || *status == U_STRING_NOT_TERMINATED_WARNING) *status = U_ZERO_ERROR;
    return needed;
}

int32_t tj_is_nfkc(const uint8_t *utf8, int32_t length, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
    int32_t n16 = 0;
    UChar *src = U_SUCCESS(status) ? to_utf16(utf8, length, &n16, &status) : NULL;
    if (U_FAILURE(status)) { free(src); *error = status; return -1; }
    UBool normalized = unorm2_isNormalized(nfkc, src, n16, &status);
    free(src);
    *error = U_SUCCESS(status) ? 0 : status;
    return U_SUCCESS(status) ? (normalized ? 1 : 0) : -1;
}

/// Normalises with one of ICU's normalisers (NFKC, NFKD).
static int32_t normalize_with(const UNormalizer2 *form, UErrorCode status, const uint8_t *utf8, int32_t length,
                              uint8_t *out, int32_t capacity, int32_t *error) {
    int32_t n16 = 0;
    UChar *src = U_SUCCESS(status) ? to_utf16(utf8, length, &n16, &status) : NULL;
    if (U_FAILURE(status)) { free(src); *error = status; return -1; }
    int32_t needed = unorm2_normalize(form, src, n16, NULL, 0, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
    UChar *dst = malloc(sizeof(UChar) * (size_t)(needed + 1));
    if (!dst || U_FAILURE(status)) { free(src); free(dst); *error = U_FAILURE(status) ? status : U_MEMORY_ALLOCATION_ERROR; return -1; }
    int32_t n = unorm2_normalize(form, src, n16, dst, needed + 1, &status);
    int32_t result = U_SUCCESS(status) ? to_utf8(dst, n, out, capacity, &status) : -1;
    free(src);
    free(dst);
    *error = U_SUCCESS(status) ? 0 : status;
    return U_SUCCESS(status) ? result : -1;
}

int32_t tj_normalize_nfkc(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
    return normalize_with(nfkc, status, utf8, length, out, capacity, error);
}

int32_t tj_normalize_nfkd(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfkd = unorm2_getNFKDInstance(&status);
    return normalize_with(nfkd, status, utf8, length, out, capacity, error);
}

int32_t tj_fold_case(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t n16 = 0;
    UChar *src = to_utf16(utf8, length, &n16, &status);
    if (U_FAILURE(status)) { free(src); *error = status; return -1; }
    int32_t needed = u_strFoldCase(NULL, 0, src, n16, U_FOLD_CASE_DEFAULT, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
    UChar *dst = malloc(sizeof(UChar) * (size_t)(needed + 1));
    if (!dst || U_FAILURE(status)) { free(src); free(dst); *error = U_FAILURE(status) ? status : U_MEMORY_ALLOCATION_ERROR; return -1; }
    int32_t n = u_strFoldCase(dst, needed + 1, src, n16, U_FOLD_CASE_DEFAULT, &status);
    int32_t result = U_SUCCESS(status) ? to_utf8(dst, n, out, capacity, &status) : -1;
    free(src);
    free(dst);
    *error = U_SUCCESS(status) ? 0 : status;
    return U_SUCCESS(status) ? result : -1;
}

struct tj_translit {
    UTransliterator *transliterator;
};

tj_translit *tj_translit_open(const char *id, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t n16 = 0;
    UChar *uid = to_utf16((const uint8_t *)id, (int32_t)strlen(id), &n16, &status);
    if (U_FAILURE(status)) { free(uid); *error = status; return NULL; }
    UTransliterator *t = utrans_openU(uid, n16, UTRANS_FORWARD, NULL, 0, NULL, &status);
    free(uid);
    *error = status;
    if (U_FAILURE(status)) return NULL;
    tj_translit *result = malloc(sizeof(tj_translit));
    if (!result) { utrans_close(t); *error = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    result->transliterator = t;
    return result;
}

void tj_translit_close(tj_translit *translit) {
    if (!translit) return;
    utrans_close(translit->transliterator);
    free(translit);
}

int32_t tj_translit_apply(tj_translit *translit, const uint8_t *utf8, int32_t length,
                          uint8_t *out, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t n16 = 0;
    UChar *src = to_utf16(utf8, length, &n16, &status);
    if (U_FAILURE(status)) { free(src); *error = status; return -1; }
    // Transliteration can grow text; allow generous room and retry once if needed.
    int32_t room = n16 * 4 + 16;
    UChar *buffer = malloc(sizeof(UChar) * (size_t)room);
    if (!buffer) { free(src); *error = U_MEMORY_ALLOCATION_ERROR; return -1; }
    memcpy(buffer, src, sizeof(UChar) * (size_t)n16);
    int32_t textLength = n16, limit = n16;
    utrans_transUChars(translit->transliterator, buffer, &textLength, room, 0, &limit, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        status = U_ZERO_ERROR;
        room = textLength + 16;
        UChar *bigger = realloc(buffer, sizeof(UChar) * (size_t)room);
        if (!bigger) { free(src); free(buffer); *error = U_MEMORY_ALLOCATION_ERROR; return -1; }
        buffer = bigger;
        memcpy(buffer, src, sizeof(UChar) * (size_t)n16);
        textLength = n16; limit = n16;
        utrans_transUChars(translit->transliterator, buffer, &textLength, room, 0, &limit, &status);
    }
    int32_t result = U_SUCCESS(status) ? to_utf8(buffer, textLength, out, capacity, &status) : -1;
    free(src);
    free(buffer);
    *error = U_SUCCESS(status) ? 0 : status;
    return U_SUCCESS(status) ? result : -1;
}

const char *tj_icu_version(void) {
    static char version[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo info;
    u_getVersion(info);
    u_versionToString(info, version);
    return version;
}
