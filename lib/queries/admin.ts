"use client";

import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { adminApi, type AuditFilters } from "@/lib/api/admin";

export const adminKeys = {
  all: ["admin"] as const,
  imageService: () => [...adminKeys.all, "image-service"] as const,
  registeredLimits: () => [...adminKeys.all, "registered-limits"] as const,
  limits: (projectId?: string) => [...adminKeys.all, "limits", projectId ?? "*"] as const,
  usage: (projectId: string) => [...adminKeys.all, "usage", projectId] as const,
  stores: () => [...adminKeys.all, "stores"] as const,
  audit: (f: AuditFilters) => [...adminKeys.all, "audit", f] as const,
};

export const useImageServiceId = () =>
  useQuery({ queryKey: adminKeys.imageService(), queryFn: adminApi.imageServiceId, staleTime: Infinity });
export const useRegisteredLimits = () =>
  useQuery({ queryKey: adminKeys.registeredLimits(), queryFn: adminApi.registeredLimits });
export const useLimits = (projectId?: string) =>
  useQuery({ queryKey: adminKeys.limits(projectId), queryFn: () => adminApi.limits(projectId) });
export const useProjectUsage = (projectId: string) =>
  useQuery({ queryKey: adminKeys.usage(projectId), queryFn: () => adminApi.usage(projectId) });
/** The usage of several projects at once (one request each). */
export const useProjectsUsage = (projectIds: string[]) =>
  useQueries({
    queries: projectIds.map((id) => ({ queryKey: adminKeys.usage(id), queryFn: () => adminApi.usage(id) })),
  });
export const useStores = () => useQuery({ queryKey: adminKeys.stores(), queryFn: adminApi.stores });
export const useAuditEvents = (f: AuditFilters) =>
  useQuery({
    queryKey: adminKeys.audit(f),
    queryFn: ({ signal }) => adminApi.auditEvents(f, { signal }),
    // paging keeps the current page on screen until the next one arrives
    placeholderData: keepPreviousData,
  });

/** A mutation that refreshes limits, usage and the audit log when it succeeds. */
export function useAdminMutation<A, R>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}
