import { expect, type APIRequestContext } from "@playwright/test";
import { randomName } from "./identity";

// A thin client for the Image API in tests.
export const PATCH_V21 = "application/openstack-images-v2.1-json-patch";
export const PATCH_V20 = "application/openstack-images-v2.0-json-patch";

export interface Img {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  owner: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  [k: string]: unknown;
}

export class ImageApi {
  readonly h: Record<string, string>;
  constructor(
    readonly request: APIRequestContext,
    readonly token: string,
  ) {
    this.h = { "x-auth-token": token };
  }
  post(data: unknown) {
    return this.request.post("/image/v2/images", { headers: this.h, data });
  }
  async create(body: Record<string, unknown> = {}): Promise<Img> {
    const res = await this.post({
      name: randomName("img"),
      disk_format: "raw",
      container_format: "bare",
      ...body,
    });
    expect(res.status(), await res.text()).toBe(201);
    return res.json();
  }
  get(id: string) {
    return this.request.get(`/image/v2/images/${id}`, { headers: this.h });
  }
  patch(id: string, ops: unknown, mediaType = PATCH_V21) {
    return this.request.patch(`/image/v2/images/${id}`, {
      headers: { ...this.h, "content-type": mediaType },
      data: Buffer.from(JSON.stringify(ops)),
    });
  }
  delete(id: string) {
    return this.request.delete(`/image/v2/images/${id}`, { headers: this.h });
  }
  list(query = "") {
    return this.request.get(`/image/v2/images${query ? `?${query}` : ""}`, { headers: this.h });
  }
  async ids(query = ""): Promise<string[]> {
    const res = await this.list(query);
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()).images as Img[]).map((i) => i.id);
  }
  /** Follows `next` links to the end; returns every image in order. */
  async walk(query: string): Promise<Img[]> {
    const out: Img[] = [];
    let path: string | undefined = `/image/v2/images?${query}`;
    for (let i = 0; path && i < 10_000; i++) {
      const res = await this.request.get(path, { headers: this.h });
      expect(res.status(), await res.text()).toBe(200);
      const body = (await res.json()) as { images: Img[]; next?: string };
      out.push(...body.images);
      path = body.next ? `/image${body.next}` : undefined;
    }
    return out;
  }
}
