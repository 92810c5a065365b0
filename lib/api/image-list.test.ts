import { describe, expect, it } from "vitest";
import {
  markerOf,
  nextPage,
  parseView,
  previousPage,
  toggleSort,
  viewToApiQuery,
  viewToSearch,
} from "./image-list";

describe("images page view in the URL", () => {
  it("round-trips filters, sort, page size and the marker stack", () => {
    const url = new URLSearchParams(
      "name=debian&visibility=shared&tag=gold&sort=name:asc&limit=10&marker=m2&prev=m1",
    );
    const view = parseView(url);
    expect(view.filters.name).toBe("debian");
    expect(view.previous).toEqual(["", "m1"]);
    expect(viewToSearch(view).toString()).toBe(url.toString().replace(/:/g, "%3A"));
  });

  it("falls back to defaults for unknown sort keys and page sizes", () => {
    const view = parseView(new URLSearchParams("sort=owner:asc&limit=7"));
    expect(view.sort).toBe("created_at:desc");
    expect(view.limit).toBe(25);
    expect(viewToSearch(view).toString()).toBe("");
  });

  it("asks the API with its own parameter names, sizes in bytes", () => {
    const view = parseView(
      new URLSearchParams("min_mib=1&max_mib=2.5&protected=true&prop_key=os_distro&prop_value=debian"),
    );
    const q = viewToApiQuery(view);
    expect(q.get("size_min")).toBe("1048576");
    expect(q.get("size_max")).toBe(String(2.5 * 1048576));
    expect(q.get("protected")).toBe("true");
    expect(q.get("os_distro")).toBe("debian");
    expect(q.get("sort")).toBe("created_at:desc");
  });

  it("ignores a custom property filter named like a reserved parameter", () => {
    const q = viewToApiQuery(parseView(new URLSearchParams("prop_key=limit&prop_value=1")));
    expect(q.get("limit")).toBe("25");
  });

  it("walks forward and back through pages with a stack of markers", () => {
    const first = parseView(new URLSearchParams());
    const second = nextPage(first, "a");
    const third = nextPage(second, "b");
    expect(third).toMatchObject({ marker: "b", previous: ["", "a"] });
    expect(previousPage(third)).toMatchObject({ marker: "a", previous: [""] });
    expect(previousPage(previousPage(third))).toMatchObject({ marker: undefined, previous: [] });
  });

  it("flips the direction of the sorted column and starts other columns ascending", () => {
    const view = nextPage(parseView(new URLSearchParams("sort=name:asc")), "x");
    expect(toggleSort(view, "name")).toMatchObject({ sort: "name:desc", marker: undefined });
    expect(toggleSort(view, "size").sort).toBe("size:asc");
  });

  it("reads the marker from the API's next link", () => {
    expect(markerOf("/v2/images?limit=10&marker=abc")).toBe("abc");
    expect(markerOf(undefined)).toBeUndefined();
  });
});
