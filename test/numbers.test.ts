import { describe, it, expect } from "vitest";
import { parseAmount, parseChineseNumeral } from "../src/domain/numbers.js";

describe("numerals", () => {
  it.each([
    ["12", 12],
    ["十二", 12],
    ["十", 10],
    ["二十", 20],
    ["两百", 200],
    ["三千", 3000],
    ["三百二十五", 325],
    ["一百零五", 105],
    ["一千零五", 1005],
    ["三千五", 3500],
    ["一万二千", 12000],
    ["一万二", 12000],
    ["十万", 100000],
    ["1.2万", 12000],
    ["11万", 110000],
    ["3千", 3000],
    ["1万2千", 12000],
    ["1.25万", 12500],
    ["1,200", 1200],
    ["12,000", 12000],
  ])("%s = %d", (text, value) => {
    expect(parseAmount(text)).toEqual({ value, approx: false });
  });

  it.each([
    ["3000余", 3000],
    ["约200", 200],
    ["两百多", 200],
    ["大约50", 50],
    ["近百", 100],
    ["200左右", 200],
    ["11万余", 110000],
    ["6000多", 6000],
    ["40+", 40],
    ["二十来", 20],
    ["大概200", 200],
  ])("%s is approximately %d", (text, value) => {
    expect(parseAmount(text)).toEqual({ value, approx: true });
  });

  it.each(["", "人", "abc", "一二", "万", "学习"])("%s is not a number", (text) => {
    expect(parseAmount(text)).toBeNull();
  });

  it("keeps decimals so that the parser can refuse 12.5 people", () => {
    expect(parseAmount("12.5")).toEqual({ value: 12.5, approx: false });
  });

  it("reads formal (大写) digits", () => {
    expect(parseChineseNumeral("叁佰")).toBe(300);
  });
});
