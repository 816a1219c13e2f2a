import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// Once, before any schema is built: the request schemas carry their OpenAPI descriptions (.openapi()), so the
// published document and the validation share one source.
extendZodWithOpenApi(z);
