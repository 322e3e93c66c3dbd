/**
 * A typed client for the SocialMedia API: openapi-fetch over the types that openapi-typescript
 * generates from docs/openapi.json (src/schema.ts — regenerate it, never edit it).
 *
 *   const api = createApiClient({ baseUrl: "http://localhost:5080", token: () => session.token });
 *   const page = await call(api.GET("/api/v1/posts", { params: { query: { limit: 20 } } }));
 *
 * Every path, parameter, body and answer is checked by the compiler against the document.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths };

type Schemas = components["schemas"];
export type Post = Schemas["PostResponse"];
export type Comment = Schemas["CommentResponse"];
export type Like = Schemas["LikeResponse"];
export type LikeState = Schemas["LikeStateResponse"];
export type Author = Schemas["AuthorResponse"];
export type Me = Schemas["MeResponse"];
export type Token = Schemas["TokenResponse"];
export type UploadTicket = Schemas["UploadUrlResponse"];
export type ImageContentType = Schemas["UploadUrlRequest"]["content_type"];
/** Every error body: RFC 9457 problem details with trace_id, and errors (field → messages) on 409/422. */
export type Problem = Schemas["Problem"];

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** Where the API is, e.g. http://localhost:5080 (no trailing /api/v1). */
  baseUrl: string;
  /** The bearer token to send, read at each request; nothing is sent while it returns null. */
  token?: () => string | null | undefined;
}

export function createApiClient({ baseUrl, token }: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, "") });
  if (token) {
    client.use({
      onRequest({ request }) {
        const value = token();
        if (value) request.headers.set("Authorization", `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}

/** A refused request, with the API's problem body (or one made up when something else answered). */
export class ApiError extends Error {
  constructor(readonly problem: Problem, readonly retryAfterSeconds?: number) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
  }

  get status(): number {
    return this.problem.status;
  }

  /** The messages per field of a 422 (or 409), by wire name: show each next to its field. */
  get fieldErrors(): Record<string, string[]> {
    return this.problem.errors ?? {};
  }
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws ApiError with the problem body.
 * 204 answers resolve to undefined.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) throw errorOf(response, error);
  return data as T;
}

function errorOf(response: Response, body: unknown): ApiError {
  const retryAfter = Number(response.headers.get("Retry-After")) || undefined;
  if (isProblem(body)) return new ApiError(body, retryAfter);
  // Not the API's answer (a proxy, a gateway timeout, S3): keep the status, say it plainly.
  return new ApiError(
    { type: "about:blank", title: response.statusText || "Request failed", status: response.status, detail: `The server answered ${response.status}.`, trace_id: "" },
    retryAfter,
  );
}

function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && "status" in body && "title" in body;
}

export const imageContentTypes: readonly ImageContentType[] = ["image/jpeg", "image/png", "image/gif"];

/**
 * The image upload, step by step: ask the API for a presigned URL bound to the file's type and
 * size, PUT the bytes straight to S3 with the headers it names (the browser adds the
 * Content-Length), and return the image_key to post with. The image never passes through the API.
 */
export async function uploadImage(api: ApiClient, file: Blob): Promise<string> {
  const contentType = file.type as ImageContentType;
  const ticket = await call(api.POST("/api/v1/posts/upload-url", { body: { content_type: contentType, content_length: file.size } }));
  const upload = await fetch(ticket.upload_url, { method: ticket.method, headers: ticket.headers, body: file });
  // Read to the end, so the browser does not count the exchange as aborted (S3 answers errors in XML).
  const answer = await upload.text();
  if (!upload.ok) {
    console.error("Image upload refused", upload.status, answer);
    throw new ApiError({
      type: "about:blank",
      title: "Upload failed",
      status: upload.status,
      detail: `The image storage refused the upload (${upload.status}).`,
      trace_id: "",
    });
  }
  return ticket.image_key;
}
