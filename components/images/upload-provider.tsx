"use client";

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useImageUpload, type ImageUpload } from "@/lib/queries/image-upload";
import { useToast } from "@/components/ui/feedback";
import { UploadProgressPanel } from "./upload-progress";

// The create dialog's upload belongs to the dashboard, not to one page: it goes on while the user
// looks at other pages, and its progress follows them in a corner of the screen.

interface UploadContextValue {
  upload: ImageUpload;
  /** The create dialog shows the progress itself while it is open. */
  setDialogOpen: (open: boolean) => void;
}

const UploadContext = createContext<UploadContextValue | null>(null);

export function useDashboardUpload(): UploadContextValue {
  const value = useContext(UploadContext);
  if (!value) throw new Error("useDashboardUpload outside UploadProvider");
  return value;
}

export function UploadProvider({ children }: { children: ReactNode }) {
  const upload = useImageUpload();
  const toast = useToast();
  const [dialogOpen, setDialogOpen] = useState(false);
  const { phase, fileName, error } = upload;

  // Say when the upload ends, and warn before leaving the dashboard while it runs.
  const lastPhase = useRef(phase);
  useEffect(() => {
    if (lastPhase.current === phase) return;
    lastPhase.current = phase;
    if (phase === "done") toast(`Upload of ${fileName} complete.`);
    if (phase === "error") toast(`Upload of ${fileName} stopped: ${error}`, "error");
    if (phase === "cancelled") toast("Upload cancelled. The image stays queued without data.");
  }, [phase, toast, fileName, error]);
  useEffect(() => {
    if (phase !== "uploading" && phase !== "starting") return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [phase]);

  const inCorner = !dialogOpen && ["starting", "uploading", "paused", "error"].includes(phase);
  return (
    <UploadContext.Provider value={{ upload, setDialogOpen }}>
      {children}
      {inCorner && (
        <div className="fixed bottom-4 left-4 z-40 w-[min(24rem,calc(100%-2rem))] rounded-lg bg-white shadow-lg dark:bg-slate-900">
          <UploadProgressPanel upload={upload} />
        </div>
      )}
    </UploadContext.Provider>
  );
}
