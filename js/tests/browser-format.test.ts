import { describe, expect, it } from "vitest";
import { ago, rangeText, tagFilter, tagText } from "../src/browser/format";

describe("jobs browser text", () => {
  it("says how long ago a run started", () => {
    const now = Date.UTC(2026, 0, 10, 12, 0, 0);
    expect(ago(null, now)).toBe("");
    expect(ago(now - 10_000, now)).toBe("just now");
    expect(ago(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(ago(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(ago(now - 86_400_000, now)).toBe("1 day ago");
    expect(ago(now - 3 * 86_400_000, now)).toBe("3 days ago");
  });

  it("names the range of a page", () => {
    expect(rangeText(0, 25, null, 26, true)).toBe("1–25 of 26+");
    expect(rangeText(25, 9, 34, 34, false)).toBe("26–34 of 34");
    expect(rangeText(0, 0, 0, 0, false)).toBe("0 jobs");
    expect(rangeText(50, 25, null, 200, true)).toBe("51–75 of 200+");
  });

  it("shows tags as chips and filters", () => {
    expect(tagText("team", "data")).toBe("team: data");
    expect(tagText("flag", "")).toBe("flag");
    expect(tagFilter("team", "data")).toBe("team=data");
    expect(tagFilter("flag", "")).toBe("flag");
  });
});
