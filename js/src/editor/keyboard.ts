// Keyboard shortcuts of the editor, as a pure mapping from a key event to an action.

export type KeyAction =
  | "undo"
  | "redo"
  | "delete"
  | "clone"
  | "add"
  | "fit"
  | "search"
  | "escape"
  | "help";

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** Shortcuts as the help popover lists them. */
export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: "Ctrl/⌘ Z", action: "Undo" },
  { keys: "Ctrl/⌘ ⇧ Z, Ctrl Y", action: "Redo" },
  { keys: "Delete, Backspace", action: "Delete the selected tasks or dependencies" },
  { keys: "Ctrl/⌘ D", action: "Clone the selected task" },
  { keys: "N", action: "Add a task (after the selected ones)" },
  { keys: "F", action: "Zoom to fit" },
  { keys: "/", action: "Search tasks" },
  { keys: "Esc", action: "Clear the selection, close dialogs" },
  { keys: "?", action: "Show these shortcuts" },
  { keys: "Shift click, Shift drag", action: "Select several tasks" },
  { keys: "Drag task → task", action: "Add a dependency" },
  { keys: "Ctrl/⌘ wheel", action: "Zoom" },
];

/** The action of a key press when the widget has focus and nobody is typing; null for none. */
export function keyAction(event: KeyLike): KeyAction | null {
  const mod = Boolean(event.ctrlKey || event.metaKey);
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (event.altKey) return null;
  if (mod) {
    if (key === "z") return event.shiftKey ? "redo" : "undo";
    if (key === "y" && event.ctrlKey && !event.metaKey) return "redo";
    if (key === "d" && !event.shiftKey) return "clone";
    return null;
  }
  switch (key) {
    case "Delete":
    case "Backspace":
      return "delete";
    case "n":
      return event.shiftKey ? null : "add";
    case "f":
      return event.shiftKey ? null : "fit";
    case "/":
      return "search";
    case "?":
      return "help";
    case "Escape":
      return "escape";
    default:
      return null;
  }
}

/** Whether the event comes from a place where keys type text (inputs, textareas, selects...). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || typeof element.tagName !== "string") return false;
  const tag = element.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = ((element as HTMLInputElement).type || "text").toLowerCase();
    return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(
      type,
    );
  }
  return element.isContentEditable === true;
}
