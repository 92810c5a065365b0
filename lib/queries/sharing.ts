"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sharingApi, type InboxCounts, type InboxItem, type MemberStatus } from "@/lib/api/sharing";
import { imageKeys } from "./images";

export const sharingKeys = {
  all: ["sharing"] as const,
  counts: () => [...sharingKeys.all, "counts"] as const,
  inbox: (status: MemberStatus) => [...sharingKeys.all, "inbox", status] as const,
  members: (imageId: string) => [...sharingKeys.all, "members", imageId] as const,
  projectSearch: (q: string) => [...sharingKeys.all, "projects", q] as const,
};

/** How many images wait for the current project's decision; looked at again every minute. */
export const useInboxCounts = () =>
  useQuery({
    queryKey: sharingKeys.counts(),
    queryFn: ({ signal }) => sharingApi.counts(signal),
    refetchInterval: 60_000,
  });

export function useInbox(status: MemberStatus) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: sharingKeys.inbox(status),
    queryFn: async ({ signal }) => {
      const r = await sharingApi.inbox(status, signal);
      // The list comes with fresh counts: the badge follows without a request of its own.
      qc.setQueryData(sharingKeys.counts(), r.counts);
      return r.images;
    },
  });
}

/** The image's members with names and who decided (owner project and admins). */
export function useMemberDetails(imageId: string, enabled: boolean) {
  return useQuery({
    queryKey: sharingKeys.members(imageId),
    queryFn: ({ signal }) => sharingApi.members(imageId, signal),
    enabled,
    retry: false,
  });
}

export function useProjectSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: sharingKeys.projectSearch(term),
    queryFn: ({ signal }) => sharingApi.searchProjects(term, signal),
    enabled: term.length >= 2,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

export interface Decision {
  item: InboxItem;
  /** The member project deciding: the current project. */
  projectId: string;
  status: MemberStatus;
}

/**
 * Accept, reject or defer an offered image. The decision is shown at once (the image moves to
 * its new tab and the badge count changes) and undone if the server refuses it; it only touches
 * the current project's own inbox, so nobody else's view can be wrong meanwhile.
 */
export function useDecideShare() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ item, projectId, status }: Decision) =>
      sharingApi.decide(item.image.id, projectId, status),
    onMutate: async ({ item, status }) => {
      await qc.cancelQueries({ queryKey: sharingKeys.all });
      const from = item.member.status;
      const snapshot = {
        counts: qc.getQueryData<InboxCounts>(sharingKeys.counts()),
        from: qc.getQueryData<InboxItem[]>(sharingKeys.inbox(from)),
        to: qc.getQueryData<InboxItem[]>(sharingKeys.inbox(status)),
      };
      if (from === status) return { snapshot, from, status };
      const moved: InboxItem = {
        ...item,
        member: { ...item.member, status, decided_at: new Date().toISOString() },
      };
      qc.setQueryData<InboxItem[]>(sharingKeys.inbox(from), (list) =>
        list?.filter((i) => i.image.id !== item.image.id),
      );
      qc.setQueryData<InboxItem[]>(sharingKeys.inbox(status), (list) =>
        list ? [moved, ...list.filter((i) => i.image.id !== item.image.id)] : list,
      );
      qc.setQueryData<InboxCounts>(sharingKeys.counts(), (c) =>
        c ? { ...c, [from]: Math.max(0, c[from] - 1), [status]: c[status] + 1 } : c,
      );
      return { snapshot, from, status };
    },
    onError: (_err, _vars, context) => {
      if (!context) return;
      qc.setQueryData(sharingKeys.counts(), context.snapshot.counts);
      qc.setQueryData(sharingKeys.inbox(context.from), context.snapshot.from);
      qc.setQueryData(sharingKeys.inbox(context.status), context.snapshot.to);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: sharingKeys.all });
      // An accepted image joins the project's image lists; a rejected one leaves them.
      void qc.invalidateQueries({ queryKey: imageKeys.all });
    },
  });
}

/** Owner-side changes (add or remove a member project): refresh both members views. */
export function useMemberChange<A>(imageId: string, fn: (args: A) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: sharingKeys.members(imageId) });
      void qc.invalidateQueries({ queryKey: imageKeys.members(imageId) });
    },
  });
}
