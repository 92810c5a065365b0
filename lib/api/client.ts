// Browser fetchers for Iris's APIs. Every non-2xx becomes an ApiError whose message is fit to
// show to a person.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const PLAIN: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "You are not allowed to do that.",
  404: "It no longer exists, or you cannot see it.",
  409: "That conflicts with something that already exists.",
  413: "That is over a quota.",
  429: "Too many attempts. Wait a moment and try again.",
};

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; contentType?: string } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers:
        init.body !== undefined ? { "content-type": init.contentType ?? "application/json" } : undefined,
      // Binary bodies (a file's first bytes) go as they are; anything else as JSON.
      body:
        init.body === undefined
          ? undefined
          : init.body instanceof Blob
            ? init.body
            : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = body as { error?: { message?: string }; message?: string } | null;
    const message =
      b?.error?.message ?? b?.message ?? PLAIN[res.status] ?? `The server answered ${res.status}.`;
    throw new ApiError(
      res.status,
      res.status >= 500 ? `Something went wrong on the server. ${message}` : message,
    );
  }
  return body as T;
}
