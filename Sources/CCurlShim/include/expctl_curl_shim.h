// Typed wrappers around libcurl's variadic calls, which Swift cannot import.
// Each wrapper passes exactly one argument of the type the option documents.
#ifndef EXPCTL_CURL_SHIM_H
#define EXPCTL_CURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*expctl_curl_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode expctl_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode expctl_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode expctl_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// For the `curl_off_t` options, such as CURLOPT_POSTFIELDSIZE_LARGE.
CURLcode expctl_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode expctl_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode expctl_curl_setopt_data_callback(CURL *handle, CURLoption option,
                                          expctl_curl_data_callback callback);

CURLcode expctl_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode expctl_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode expctl_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/// curl_global_init(CURL_GLOBAL_DEFAULT): the macro is an expression Swift may not import.
CURLcode expctl_curl_global_init_default(void);

/// The libcurl version string, e.g. "7.88.1".
const char *expctl_curl_version_string(void);

#endif
