import { describe, expect, it } from "vitest";
import { decodeText, parseCsv } from "../../src/data/parse-csv.ts";
import { ValidationError } from "../../src/errors.ts";

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("parseCsv", () => {
  it("When the file is empty or blank, then it is refused as empty", () => {
    for (const text of ["", "   \n\n"]) expect(rejection(() => parseCsv(text)).issues[0]!.code).toBe("empty");
  });

  it("When the file has only a header, then it is refused as header-only", () => {
    expect(rejection(() => parseCsv("a,b,c\n")).issues[0]!.code).toBe("header_only");
  });

  it("When rows are ragged, then every ragged row is named with its file line", () => {
    const err = rejection(() => parseCsv('a,b\n1,2\n3\n"x\ny",4\n5,6,7\n'));
    expect(err.issues.map((i) => i.path)).toEqual([
      ["rows", 2],
      ["rows", 4],
    ]);
    expect(err.issues[0]!.message).toBe("row 2 (line 3) has 1 fields; the header has 2");
    // the quoted cell spans lines 4-5, so the row after it starts on line 6
    expect(err.issues[1]!.message).toBe("row 4 (line 6) has 3 fields; the header has 2");
  });

  it("When two headers are the same, then the duplicate is named with both positions", () => {
    const err = rejection(() => parseCsv("sales,tv,sales\n1,2,3\n"));
    expect(err.issues[0]).toMatchObject({ path: ["header", "sales"], code: "duplicate_header" });
    expect(err.issues[0]!.message).toContain("columns 1 and 3");
  });

  it("When bytes are binary junk, then they are refused as not text", () => {
    expect(rejection(() => parseCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x14]))).issues[0]!.code).toBe("not_text");
    expect(rejection(() => decodeText(new Uint8Array([0x61, 0xff, 0xfe, 0x62]))).issues[0]!.code).toBe("not_text");
  });

  it("When the file has a BOM, CRLF endings and quoted commas, then it parses as written", () => {
    const t = parseCsv('\uFEFFname,"amount"\r\n"Smith, J",1\r\nLee,2\r\n');
    expect(t.header).toEqual(["name", "amount"]);
    expect(t.rows).toEqual([
      ["Smith, J", "1"],
      ["Lee", "2"],
    ]);
    expect(t.lines).toEqual([2, 3]);
  });

  it("When the file uses semicolons (European Excel), then the delimiter is detected", () => {
    const t = parseCsv("a;b\n1,5;2\n");
    expect(t.delimiter).toBe(";");
    expect(t.rows).toEqual([["1,5", "2"]]);
  });
});
