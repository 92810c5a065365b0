import "server-only";
import { z } from "zod";
import { forbidden, badRequest } from "../errors";
import {
  getRequestContext,
  requireCaller,
  requireProjectCaller,
  type Caller,
  type RequestContext,
} from "../context";
import { clientGoneResponse, isClientDisconnect, toErrorResponse, type ApiFamily } from "./errors";
import { findBadString, MAX_JSON_DEPTH, nestsDeeperThan } from "./json-input";

type RouteArgs = { params: Promise<Record<string, string | string[] | undefined>> };

export interface HandlerArgs<P, Q> {
  req: Request;
  ctx: RequestContext;
  params: P;
  query: Q;
}

interface RouteOptions<P extends z.ZodType, Q extends z.ZodType> {
  family: ApiFamily;
  params?: P;
  query?: Q;
  /** "none": anyone; "caller": any authenticated caller; "project": a project-scoped caller. */
  auth?: "none" | "caller" | "project";
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A session cookie rides along with cross-site requests; a token header does not. For cookie
 * callers, unsafe methods must come from our own origin.
 */
function assertSameOrigin(req: Request, ctx: RequestContext) {
  if (ctx.caller?.via !== "session" || SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (origin ? origin === ctx.publicUrl || origin === new URL(req.url).origin : site !== "cross-site") return;
  throw forbidden("Cross-site request refused: the dashboard's session can only be used from its own pages.");
}

/** Wraps a route handler: context, authentication, input parsing, error mapping, request id. */
export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
>(
  opts: RouteOptions<P, Q>,
  handler: (args: HandlerArgs<z.infer<P>, z.infer<Q>>) => Promise<Response> | Response,
) {
  return async (req: Request, route: RouteArgs): Promise<Response> => {
    let ctx: RequestContext | undefined;
    let res: Response;
    try {
      ctx = await getRequestContext(req);
      if (opts.auth === "caller") requireCaller(ctx);
      if (opts.auth === "project") requireProjectCaller(ctx);
      assertSameOrigin(req, ctx);
      const rawParams = (await route?.params) ?? {};
      const params = opts.params ? opts.params.parse(rawParams) : rawParams;
      const url = new URL(req.url);
      const query = opts.query ? opts.query.parse(Object.fromEntries(url.searchParams)) : {};
      res = await handler({ req, ctx, params: params as z.infer<P>, query: query as z.infer<Q> });
    } catch (e) {
      const requestId = ctx?.requestId ?? "unknown";
      res = isClientDisconnect(req, e)
        ? clientGoneResponse(opts.family, req, requestId)
        : toErrorResponse(opts.family, e, requestId);
    }
    if (ctx) res.headers.set("x-openstack-request-id", ctx.requestId);
    return res;
  };
}

/**
 * Parses a JSON body against a schema; malformed JSON is a 400 that says so. So is a body nested
 * deeper than MAX_JSON_DEPTH: JSON.parse takes any depth, but code that walks the value
 * recursively (validation, its error messages, logging) would run out of stack.
 */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  let data: unknown;
  try {
    const text = await req.text();
    if (!text.trim()) throw badRequest("The request body is empty; a JSON document was expected.");
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      throw badRequest(`Malformed JSON in request body: nested more than ${MAX_JSON_DEPTH} levels deep.`);
    data = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError) throw badRequest(`Malformed JSON in request body: ${e.message}`);
    throw e;
  }
  const bad = findBadString(data);
  if (bad === "nul")
    throw badRequest("Malformed JSON in request body: strings may not contain NUL (\\u0000) characters.");
  if (bad === "surrogate")
    throw badRequest(
      "Malformed JSON in request body: a string holds a lone UTF-16 surrogate (such as \\ud800), which is not text.",
    );
  return schema.parse(data);
}

export type { Caller };
