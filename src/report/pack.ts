// The inspection pack (/导出台账 … 文档): a period's 台账 bound as one Word file in the drafts'
// GB/T 9704 layout — a cover, a table of contents, then one page per activity (时间, 地点, 主持人,
// 参加人员, 主题, 内容, the photos placed and scaled to the type area, the other files named); a
// parent's pack has a part per unit of its subtree. "一活动一入簿、一季度一合订". Pure: the command
// loads the records and the files' bytes.
import {
  AlignmentType,
  BorderStyle,
  ImageRun,
  LineRuleType,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  WidthType,
  VerticalAlign,
} from "docx";
import { officialDocument, PARTS } from "./docx.js";
import { unzipSync, zipSync, type Zippable } from "fflate";
import { dayLabel } from "../time.js";
import { isMinutesFile } from "../domain/evidence.js";

export interface PackFile {
  name: string;
  mime: string;
  kind: string;
  data: Buffer;
}

export interface PackActivity {
  id: number;
  unit: string;
  day: string;
  /** 党委理论学习中心组学习 1 次，12 人参加 — the record as the chat says it. */
  summary: string;
  /** The kind's name and subtype: 学习 · 党委理论学习中心组学习. */
  what: string;
  timeOfDay: string | null;
  place: string | null;
  host: string | null;
  attendees: string | null;
  /** The attendance is the list of a sign-in (签到) the bot kept. */
  signedIn?: boolean;
  participants: number | null;
  recorder: string | null;
  minutes: string | null;
  topic: string | null;
  note: string | null;
  recordedBy: string | null;
  files: PackFile[];
}

export interface PackInput {
  /** 金桥社区2026年第四季度意识形态工作台账. */
  title: string;
  unit: string;
  period: string;
  /** The day it was bound, YYYY-MM-DD. */
  today: string;
  /** In the order they are bound: per unit, then by day. */
  activities: PackActivity[];
}

const { run, paragraph, heading, emptyLine, FONT, SIZE, TYPE_AREA, chars } = PARTS;
/** Twips → pixels at 96 dpi (docx sizes images in pixels). */
const px = (twips: number) => Math.floor((twips / 1440) * 96);
const MAX_IMAGE = { width: px(TYPE_AREA.width), height: px(TYPE_AREA.height * 0.42) };
const LABEL_WIDTH = chars(5);

/** Width and height of a PNG, JPEG or GIF from its header; null for anything else. */
export function imageSize(data: Buffer): { width: number; height: number; type: "png" | "jpg" | "gif" } | null {
  if (data.length > 24 && data.readUInt32BE(0) === 0x89504e47)
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), type: "png" };
  if (data.length > 10 && data.subarray(0, 4).toString("latin1") === "GIF8")
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8), type: "gif" };
  if (data[0] === 0xff && data[1] === 0xd8) {
    // Walk the segments to the frame header (SOF0–SOF15 but DHT, JPG and DAC).
    let at = 2;
    while (at + 9 < data.length) {
      if (data[at] !== 0xff) return null;
      const marker = data[at + 1];
      const length = data.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7), type: "jpg" };
      at += 2 + length;
    }
  }
  return null;
}

/** Scaled to the type area's width and to under half its height, never enlarged past twice its size. */
function fit(w: number, h: number): { width: number; height: number } {
  const scale = Math.min(MAX_IMAGE.width / w, MAX_IMAGE.height / h, 2);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const text = (s: string, o: { bold?: boolean; center?: boolean } = {}) =>
  paragraph([run(s, FONT.body, SIZE.body, { bold: o.bold })], o.center ? { alignment: AlignmentType.CENTER } : {});

const THIN = { style: BorderStyle.SINGLE, size: 4, color: "000000" };

function fieldsTable(a: PackActivity): Table {
  const attendance = a.attendees ?? (a.participants ? `${a.participants}人` : null);
  const rows: [string, string | null][] = [
    ["时间", `${dayLabel(a.day, true)}${a.timeOfDay ? ` ${a.timeOfDay}` : ""}`],
    ["地点", a.place],
    ["主持人", a.host],
    [
      a.signedIn ? "签到名单" : "参加人员",
      attendance && a.signedIn && a.participants ? `${attendance}（${a.participants}人）` : attendance,
    ],
    ["记录人", a.recorder],
    ["主题", a.topic],
    ["内容", a.summary + (a.note ? `。${a.note}` : "")],
    ["纪要", a.minutes ?? (a.files.some((f) => isMinutesFile(f.name)) ? "见所附会议记录" : null)],
    ["登记人", a.recordedBy],
  ];
  return new Table({
    width: { size: TYPE_AREA.width, type: WidthType.DXA },
    columnWidths: [LABEL_WIDTH, TYPE_AREA.width - LABEL_WIDTH],
    borders: { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: THIN, insideVertical: THIN },
    rows: rows.map(
      ([label, value]) =>
        new TableRow({
          children: [
            new TableCell({
              width: { size: LABEL_WIDTH, type: WidthType.DXA },
              verticalAlign: VerticalAlign.CENTER,
              children: [text(label, { center: true })],
            }),
            // An empty field is left blank for the unit to fill in by hand, not filled with a guess.
            new TableCell({ width: { size: TYPE_AREA.width - LABEL_WIDTH, type: WidthType.DXA }, children: [text(value ?? "")] }),
          ],
        }),
    ),
  });
}

/** A photo on its own line; images sit off the text grid (an exact line height would clip them). */
/**
 * Photos are packed in two steps. docx zips every part with DEFLATE synchronously (fflate's
 * zipSync), which for 150 JPEGs blocked the event loop for seconds, and bought nothing: JPEG and
 * PNG do not compress. So the document is built with a small unique stand-in for each photo, and
 * the package is then re-zipped with the real photos stored as they are (level 0) and only the
 * XML parts deflated.
 */
class PhotoStandIns {
  private readonly byData = new Map<Buffer, Buffer>();
  /** Stand-in bytes → the photo's real bytes. */
  readonly real = new Map<string, Buffer>();
  standIn(data: Buffer): Buffer {
    let s = this.byData.get(data);
    if (!s) {
      s = Buffer.from(`ledger-pack-photo:${this.byData.size}:${data.length}`);
      this.byData.set(data, s);
      this.real.set(s.toString("latin1"), data);
    }
    return s;
  }
}

function withRealPhotos(docx: Buffer, photos: PhotoStandIns): Buffer {
  if (!photos.real.size) return docx;
  const parts = unzipSync(docx);
  const out: Zippable = {};
  for (const [name, bytes] of Object.entries(parts)) {
    const real = name.startsWith("word/media/") ? photos.real.get(Buffer.from(bytes).toString("latin1")) : undefined;
    out[name] = real ? [real, { level: 0 }] : [bytes, { level: 6 }];
  }
  const zipped = zipSync(out);
  // A view of the zip, not a copy: the pack is as large as its photos.
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
}

function photo(file: PackFile, n: number, photos: PhotoStandIns): Paragraph[] {
  const size = imageSize(file.data);
  if (!size) return [text(`照片${n}：${file.name}（此格式无法在文档中显示，见原件）`)];
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 120, after: 0, line: 240, lineRule: LineRuleType.AUTO },
      children: [
        new ImageRun({
          type: size.type,
          data: photos.standIn(file.data),
          transformation: fit(size.width, size.height),
          altText: { name: file.name, description: file.name, title: file.name },
        }),
      ],
    }),
    paragraph([run(`照片${n}：${file.name}`, FONT.body, SIZE.body)], { alignment: AlignmentType.CENTER }),
  ];
}

export async function packToDocx(input: PackInput): Promise<Buffer> {
  const standIns = new PhotoStandIns();
  const children: (Paragraph | Table)[] = [];
  // The cover: the title a third of the way down, the unit, the period and the day it was bound.
  for (let i = 0; i < 6; i++) children.push(emptyLine());
  children.push(paragraph([run(input.title, FONT.title, SIZE.title, { offGrid: true })], { alignment: AlignmentType.CENTER }));
  for (let i = 0; i < 4; i++) children.push(emptyLine());
  children.push(text(`单位：${input.unit}`, { center: true }), text(`时间：${input.period}`, { center: true }));
  children.push(text(`共${input.activities.length}项活动`, { center: true }), text(`${dayLabel(input.today, true)}汇编`, { center: true }));
  children.push(new Paragraph({ children: [new PageBreak()] }));

  // The contents: each activity's number, day and what it was, under its unit.
  children.push(text("目录", { bold: true, center: true }), emptyLine());
  const units = [...new Set(input.activities.map((a) => a.unit))];
  const several = units.length > 1;
  let n = 0;
  for (const unit of units) {
    if (several) children.push(heading(unit, FONT.section, 0));
    for (const a of input.activities.filter((x) => x.unit === unit)) {
      n++;
      const photos = a.files.filter((f) => f.kind === "photo").length;
      children.push(text(`${n}. ${dayLabel(a.day)} ${a.what}${photos ? `（照片${photos}张）` : ""}`));
    }
  }

  // One page per activity.
  n = 0;
  for (const unit of units) {
    for (const a of input.activities.filter((x) => x.unit === unit)) {
      n++;
      children.push(new Paragraph({ children: [new PageBreak()] }));
      children.push(heading(`${n}. ${several ? `${unit} ` : ""}${a.what}（#${a.id}）`, FONT.section, several ? 1 : 0));
      children.push(fieldsTable(a));
      const photos = a.files.filter((f) => f.kind === "photo");
      const others = a.files.filter((f) => f.kind !== "photo");
      photos.forEach((f, i) => children.push(...photo(f, i + 1, standIns)));
      if (others.length) children.push(text(`附件：${others.map((f) => f.name).join("、")}（原件随台账保存）`));
      if (!a.files.length) children.push(text("（本条记录未附照片或材料）"));
    }
  }
  return withRealPhotos(await officialDocument(input.title, children), standIns);
}
