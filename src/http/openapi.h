/* openapi.h - the OpenAPI 3 document of the HTTP API (docs/openapi.json),
 * embedded into the binary at build time. */
#ifndef CX_OPENAPI_H
#define CX_OPENAPI_H

extern const char cx_openapi_json[];

#endif
