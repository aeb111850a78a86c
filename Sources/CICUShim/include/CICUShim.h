/// The few ICU services Tarjama needs, behind a header with only stdint types and opaque handles.
///
/// Every function takes and returns UTF-8 with byte offsets, so Swift callers can stay on
/// `[UInt8]` and never see ICU's `UChar`/`UErrorCode` (which clash with Foundation on Linux).
/// Errors are reported as an `int32_t` ICU error code: 0 is success, > 0 is failure, < 0 a warning.
#ifndef CICUSHIM_H
#define CICUSHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Break-iterator kinds.
enum { TJ_BREAK_SENTENCE = 0, TJ_BREAK_WORD = 1 };

/// An opaque ICU break iterator. Not thread-safe: use one per thread.
typedef struct tj_breaker tj_breaker;

/// Opens a sentence or word break iterator for `locale` (for example "ar", "en@ss=standard").
tj_breaker *tj_breaker_open(int32_t kind, const char *locale, int32_t *error);
void tj_breaker_close(tj_breaker *breaker);

/// Writes the boundary byte offsets of `utf8` (excluding 0, including `length`) into `out`
/// and, when `status` is not NULL, ICU's rule status for the piece that ends there.
/// Returns the number of boundaries; when it exceeds `capacity` only `capacity` were written
/// and the caller should retry with a larger buffer. Returns -1 on error.
int32_t tj_breaker_boundaries(tj_breaker *breaker, const uint8_t *utf8, int32_t length,
                              int32_t *out, int32_t *status, int32_t capacity, int32_t *error);

/// NFKC-normalises UTF-8 text. Returns the byte length of the result (which may exceed
/// `capacity`, in which case nothing useful was written and the caller retries), or -1 on error.
int32_t tj_normalize_nfkc(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity,
                          int32_t *error);

/// Returns 1 when `utf8` is already NFKC (a fast check), 0 when it is not, -1 on error.
int32_t tj_is_nfkc(const uint8_t *utf8, int32_t length, int32_t *error);

/// NFKD-normalises UTF-8 text (compatibility decomposition: accents come off as separate
/// marks); same return convention as `tj_normalize_nfkc`.
int32_t tj_normalize_nfkd(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity,
                          int32_t *error);

/// Unicode full case folding of UTF-8 text; same return convention as `tj_normalize_nfkc`.
int32_t tj_fold_case(const uint8_t *utf8, int32_t length, uint8_t *out, int32_t capacity,
                     int32_t *error);

/// An opaque ICU transliterator (for example "Arabic-Latin; Latin-ASCII"). Not thread-safe.
typedef struct tj_translit tj_translit;

tj_translit *tj_translit_open(const char *id, int32_t *error);
void tj_translit_close(tj_translit *translit);

/// Transliterates UTF-8 text; same return convention as `tj_normalize_nfkc`.
int32_t tj_translit_apply(tj_translit *translit, const uint8_t *utf8, int32_t length,
                          uint8_t *out, int32_t capacity, int32_t *error);

/// The ICU version string, for `tarjama --version`.
const char *tj_icu_version(void);

#ifdef __cplusplus
}
#endif

#endif
