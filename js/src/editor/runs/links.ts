// Which links out of the widget lead somewhere: pure, shared by the Runs tab and the jobs list.

const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1?\]|\[::\]|0\.0\.0\.0)$/i;

/**
 * `url` when a browser tab can open it: http(s), on a host other than this machine's loopback
 * (the local workspace serves its API there, no pages). Null for "", "#", a masked host ("***")
 * and anything else, so that no link is drawn for it.
 */
export function openableHref(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || LOOPBACK.test(parsed.hostname)) return null;
  return url;
}
