"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { identityApi } from "@/lib/api/identity";

export const identityKeys = {
  all: ["identity"] as const,
  projects: () => [...identityKeys.all, "projects"] as const,
  project: (id: string) => [...identityKeys.all, "project", id] as const,
  users: () => [...identityKeys.all, "users"] as const,
  roles: () => [...identityKeys.all, "roles"] as const,
  assignments: (f: { projectId?: string; userId?: string }) =>
    [...identityKeys.all, "assignments", f] as const,
  appCredentials: (userId: string) => [...identityKeys.all, "app-credentials", userId] as const,
};

export const useProjects = () =>
  useQuery({ queryKey: identityKeys.projects(), queryFn: identityApi.projects });
export const useProject = (id: string) =>
  useQuery({ queryKey: identityKeys.project(id), queryFn: () => identityApi.project(id) });
export const useUsers = () => useQuery({ queryKey: identityKeys.users(), queryFn: identityApi.users });
export const useRoles = () => useQuery({ queryKey: identityKeys.roles(), queryFn: identityApi.roles });
export const useAssignments = (f: { projectId?: string; userId?: string }) =>
  useQuery({ queryKey: identityKeys.assignments(f), queryFn: () => identityApi.assignments(f) });
export const useAppCredentials = (userId: string) =>
  useQuery({
    queryKey: identityKeys.appCredentials(userId),
    queryFn: () => identityApi.appCredentials(userId),
  });

/** A mutation that refreshes every identity query when it succeeds. */
export function useIdentityMutation<A, R>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: identityKeys.all }),
  });
}
