import { describe, expect, it } from "vitest";
import { SHORTCUTS, isTypingTarget, keyAction } from "../src/editor/keyboard";

describe("keyAction", () => {
  it("maps undo and redo on Ctrl and ⌘", () => {
    expect(keyAction({ key: "z", ctrlKey: true })).toBe("undo");
    expect(keyAction({ key: "z", metaKey: true })).toBe("undo");
    expect(keyAction({ key: "Z", ctrlKey: true, shiftKey: true })).toBe("redo");
    expect(keyAction({ key: "z", metaKey: true, shiftKey: true })).toBe("redo");
    expect(keyAction({ key: "y", ctrlKey: true })).toBe("redo");
    // ⌘Y is the browser's history on a Mac: not ours.
    expect(keyAction({ key: "y", metaKey: true })).toBeNull();
  });

  it("maps the single keys", () => {
    expect(keyAction({ key: "Delete" })).toBe("delete");
    expect(keyAction({ key: "Backspace" })).toBe("delete");
    expect(keyAction({ key: "d", ctrlKey: true })).toBe("clone");
    expect(keyAction({ key: "d", metaKey: true })).toBe("clone");
    expect(keyAction({ key: "n" })).toBe("add");
    expect(keyAction({ key: "N" })).toBe("add");
    expect(keyAction({ key: "f" })).toBe("fit");
    expect(keyAction({ key: "/" })).toBe("search");
    expect(keyAction({ key: "?", shiftKey: true })).toBe("help");
    expect(keyAction({ key: "Escape" })).toBe("escape");
  });

  it("leaves other keys and combinations alone", () => {
    expect(keyAction({ key: "a" })).toBeNull();
    expect(keyAction({ key: "n", ctrlKey: true })).toBeNull(); // a new browser window
    expect(keyAction({ key: "f", ctrlKey: true })).toBeNull(); // the browser's find
    expect(keyAction({ key: "z", altKey: true, ctrlKey: true })).toBeNull();
    expect(keyAction({ key: "ArrowLeft" })).toBeNull();
  });

  it("lists every mapped action in the help", () => {
    const text = SHORTCUTS.map((s) => s.action.toLowerCase()).join(" ");
    for (const word of ["undo", "redo", "delete", "clone", "add", "fit", "search"]) {
      expect(text).toContain(word);
    }
  });
});

describe("isTypingTarget", () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) =>
    ({ tagName, ...extra }) as unknown as EventTarget;

  it("is true in text fields", () => {
    expect(isTypingTarget(el("INPUT", { type: "text" }))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "search" }))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "number" }))).toBe(true);
    expect(isTypingTarget(el("TEXTAREA"))).toBe(true);
    expect(isTypingTarget(el("SELECT"))).toBe(true);
    expect(isTypingTarget(el("DIV", { isContentEditable: true }))).toBe(true);
  });

  it("is false elsewhere", () => {
    expect(isTypingTarget(el("INPUT", { type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(el("BUTTON"))).toBe(false);
    expect(isTypingTarget(el("DIV"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
