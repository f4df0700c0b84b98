import { describe, expect, it } from "vitest";
import { durationUnits, getPath, isPrefix, jsonEqual, joinDuration, parseInteger, parseJobId, pathKey, samePath, setPath, splitDuration } from "../src/editor/forms";

describe("getPath / setPath", () => {
  const task = { a: { b: [10, { c: "x" }] }, n: 0 };
  it("reads nested values and misses gracefully", () => {
    expect(getPath(task, ["a", "b", 1, "c"])).toBe("x");
    expect(getPath(task, ["a", "b", 0])).toBe(10);
    expect(getPath(task, ["n"])).toBe(0);
    expect(getPath(task, ["a", "zz", "c"])).toBeUndefined();
    expect(getPath(task, ["n", "x"])).toBeUndefined();
    expect(getPath(task, [])).toBe(task);
  });
  it("sets without changing the input, creating objects on the way", () => {
    const next = setPath(task, ["a", "b", 1, "c"], "y") as typeof task;
    expect(getPath(next, ["a", "b", 1, "c"])).toBe("y");
    expect(getPath(task, ["a", "b", 1, "c"])).toBe("x");
    expect(setPath({}, ["x", "y"], 1)).toEqual({ x: { y: 1 } });
    expect(setPath({}, ["x", 0], "a")).toEqual({ x: ["a"] });
  });
  it("undefined deletes the key (and keeps the others)", () => {
    expect(setPath({ a: 1, b: 2 }, ["a"], undefined)).toEqual({ b: 2 });
    expect(setPath({ a: { b: 1, c: 2 } }, ["a", "b"], undefined)).toEqual({ a: { c: 2 } });
    expect(setPath({ l: [1, 2, 3] }, ["l", 1], undefined)).toEqual({ l: [1, 3] });
  });
  it("keys, prefixes, equality", () => {
    expect(pathKey(["notebook_task", "notebook_path"])).toBe("notebook_task.notebook_path");
    expect(pathKey(["depends_on", 0, "task_key"])).toBe("depends_on.0.task_key");
    expect(isPrefix(["a"], ["a", "b"])).toBe(true);
    expect(isPrefix(["a", "b"], ["a"])).toBe(false);
    expect(isPrefix([], ["a"])).toBe(true);
    expect(samePath(["a", 0], ["a", "0"])).toBe(true);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe("numbers", () => {
  it("parses whole numbers, empty deletes, bounds checked", () => {
    expect(parseInteger("12")).toEqual({ ok: true, value: 12 });
    expect(parseInteger(" -1 ")).toEqual({ ok: true, value: -1 });
    expect(parseInteger("")).toEqual({ ok: true, value: undefined });
    expect(parseInteger("1.5").ok).toBe(false);
    expect(parseInteger("abc").ok).toBe(false);
    expect(parseInteger("0", 1, 100)).toMatchObject({ ok: false, error: "Enter a number from 1 to 100" });
    expect(parseInteger("101", 1, 100).ok).toBe(false);
    expect(parseInteger("100", 1, 100)).toEqual({ ok: true, value: 100 });
    expect(parseInteger("99999999999999999999").ok).toBe(false);
  });
  it("job ids become numbers; bundle references stay strings", () => {
    expect(parseJobId("875307392109044")).toEqual({ ok: true, value: 875307392109044 });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle's ${...} reference, as written in databricks.yml
    expect(parseJobId("${resources.jobs.leaf1.id}")).toEqual({ ok: true, value: "${resources.jobs.leaf1.id}" });
    expect(parseJobId("")).toEqual({ ok: true, value: "" });
    expect(parseJobId("my job").ok).toBe(false);
  });
});

describe("durations", () => {
  it("ms are shown in seconds or minutes", () => {
    expect(durationUnits("ms").map((u) => u.value)).toEqual(["s", "min"]);
    expect(splitDuration(60000, "ms")).toEqual({ amount: 1, unit: "min" });
    expect(splitDuration(90000, "ms")).toEqual({ amount: 90, unit: "s" });
    expect(splitDuration(1500, "ms")).toEqual({ amount: 1.5, unit: "s" });
    expect(splitDuration(0, "ms")).toEqual({ amount: 0, unit: "s" });
  });
  it("seconds are shown in s / min / h", () => {
    expect(splitDuration(3600, "s")).toEqual({ amount: 1, unit: "h" });
    expect(splitDuration(300, "s")).toEqual({ amount: 5, unit: "min" });
    expect(splitDuration(45, "s")).toEqual({ amount: 45, unit: "s" });
  });
  it("typed amounts are stored in the field's unit", () => {
    expect(joinDuration("2", "min", "ms")).toEqual({ ok: true, value: 120000 });
    expect(joinDuration("1.5", "s", "ms")).toEqual({ ok: true, value: 1500 });
    expect(joinDuration("2", "h", "s")).toEqual({ ok: true, value: 7200 });
    expect(joinDuration("", "s", "s")).toEqual({ ok: true, value: undefined });
    expect(joinDuration("-3", "s", "s").ok).toBe(false);
    expect(joinDuration("x", "s", "s").ok).toBe(false);
  });
});
