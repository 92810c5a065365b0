"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { identityApi } from "@/lib/api/identity";
import { BUSY_STATUSES, importingTo, imagesApi, TRANSITIONAL_STATUSES, type Image } from "@/lib/api/images";

export const imageKeys = {
  all: ["images"] as const,
  lists: () => [...imageKeys.all, "list"] as const,
  list: (query: string) => [...imageKeys.lists(), query] as const,
  detail: (id: string) => [...imageKeys.all, "detail", id] as const,
  members: (id: string) => [...imageKeys.all, "members", id] as const,
  tasks: (id: string) => [...imageKeys.all, "tasks", id] as const,
  history: (id: string) => [...imageKeys.all, "history", id] as const,
  stores: () => ["image-info", "stores"] as const,
  importMethods: () => ["image-info", "import"] as const,
  usage: () => [...imageKeys.all, "usage"] as const,
  myProjects: () => ["identity", "auth-projects"] as const,
};

const POLL_MS = 2000;
/** A queued image waits for data that may come from elsewhere (a CLI, another tab): look less often. */
const POLL_QUEUED_MS = 10_000;
const isTransitional = (status: string) => (TRANSITIONAL_STATUSES as readonly string[]).includes(status);
const isBusy = (status: string) => (BUSY_STATUSES as readonly string[]).includes(status);

/** One page of images; polls while any image on it is queued, saving, uploading or importing. */
export function useImages(query: URLSearchParams) {
  const q = query.toString();
  return useQuery({
    queryKey: imageKeys.list(q),
    queryFn: ({ signal }) => imagesApi.list(new URLSearchParams(q), signal),
    placeholderData: (previous) => previous,
    refetchInterval: (query) => {
      const images = query.state.data?.images ?? [];
      if (images.some((i) => isBusy(i.status))) return POLL_MS;
      return images.some((i) => isTransitional(i.status)) ? POLL_QUEUED_MS : false;
    },
  });
}

/** One image; polls while it is changing on its own (its status, or a copy to more stores). */
export function useImage(id: string) {
  return useQuery({
    queryKey: imageKeys.detail(id),
    queryFn: ({ signal }) => imagesApi.get(id, signal),
    refetchInterval: (query) => {
      const image = query.state.data;
      return image && (isBusy(image.status) || importingTo(image).length > 0) ? POLL_MS : false;
    },
  });
}

export function useImageMembers(image: Image | undefined) {
  return useQuery({
    queryKey: imageKeys.members(image?.id ?? ""),
    queryFn: ({ signal }) => imagesApi.members(image!.id, signal),
    // Only shared images have members (the API refuses the others with 403).
    enabled: image?.visibility === "shared",
  });
}

/** The image's import tasks; polls while one is pending or processing. */
export function useImageTasks(id: string) {
  return useQuery({
    queryKey: imageKeys.tasks(id),
    queryFn: ({ signal }) => imagesApi.tasks(id, signal),
    refetchInterval: (query) =>
      query.state.data?.some((t) => t.status === "pending" || t.status === "processing") ? POLL_MS : false,
  });
}

export const useImageUsage = () => useQuery({ queryKey: imageKeys.usage(), queryFn: imagesApi.usage });
/** The image's recent history; a project that only sees the image may not read it (403). */
export function useImageHistory(id: string) {
  return useQuery({
    queryKey: imageKeys.history(id),
    queryFn: ({ signal }) => imagesApi.history(id, signal),
    retry: false,
  });
}

export const useStores = () =>
  useQuery({ queryKey: imageKeys.stores(), queryFn: imagesApi.stores, staleTime: 300_000 });
export const useImportMethods = () =>
  useQuery({ queryKey: imageKeys.importMethods(), queryFn: imagesApi.importMethods, staleTime: 300_000 });

/** The projects the user belongs to, to show owners by name. */
export const useMyProjects = () =>
  useQuery({
    queryKey: imageKeys.myProjects(),
    queryFn: identityApi.myProjects,
    staleTime: 300_000,
  });

/** A mutation that refreshes every image query (lists, details, tasks) when it succeeds. */
export function useImageMutation<A, R>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: imageKeys.all }),
  });
}

/** The most images the picker reads (pages of 200). */
const BOOTABLE_MAX = 1000;

/**
 * The images the current project may boot: active, visible to it (its own, public, community
 * ones it owns and accepted shares — the API's default view) and not hidden (os_hidden=false).
 */
export function useBootableImages() {
  return useQuery({
    queryKey: [...imageKeys.all, "bootable"] as const,
    queryFn: async ({ signal }) => {
      const images: Image[] = [];
      let marker: string | undefined;
      do {
        const q = new URLSearchParams({
          status: "active",
          os_hidden: "false",
          limit: "200",
          sort: "name:asc",
        });
        if (marker) q.set("marker", marker);
        const page = await imagesApi.list(q, signal);
        images.push(...page.images);
        marker = page.next
          ? (new URLSearchParams(page.next.split("?")[1] ?? "").get("marker") ?? undefined)
          : undefined;
      } while (marker && images.length < BOOTABLE_MAX);
      return images;
    },
  });
}
