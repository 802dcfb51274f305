/**
 * Browser services injected into the pane (never called at import time): print a page through a hidden
 * iframe, copy text to the clipboard.
 */

/** Print `html` without leaving the pane: a hidden iframe holds the page while the dialog is open. */
export function printHtml(html: string, doc: Document = document): void {
  const frame = doc.createElement("iframe");
  frame.setAttribute("aria-hidden", "true");
  frame.setAttribute("data-testid", "print-frame");
  frame.style.position = "fixed";
  frame.style.width = "0";
  frame.style.height = "0";
  frame.style.border = "0";
  doc.body.appendChild(frame);
  const w = frame.contentWindow;
  if (!w) return;
  w.document.open();
  w.document.write(html);
  w.document.close();
  w.focus();
  w.print();
  // Keep the frame briefly: some browsers print asynchronously after print() returns.
  setTimeout(() => frame.remove(), 60_000);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof navigator !== "undefined" && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea route
  }
  if (typeof document === "undefined") return false;
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}
