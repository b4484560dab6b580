// Photos of a realistic size for the evidence figures, made without an image library: a phone
// photo is a JPEG of 200–300 KB whose entropy-coded data is as incompressible as random bytes,
// and some arrive as PNG. The JPEGs carry real JFIF, frame (SOF0) and scan headers, so that
// sniffing and imageSize() read them as the bot reads a photo, and random scan data (no tables:
// not decodable, but no step the bot takes decodes them). The PNGs are valid and decodable: a band
// of noise rows sized to the byte target, the rest one colour.
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";

/** A w×h JPEG-like photo of exactly `bytes` bytes, unlike every other (random scan data). */
export function jpegPhoto(bytes: number, w = 1600, h = 1200): Buffer {
  const head = Buffer.from([
    // SOI, APP0 JFIF 1.1 72 dpi
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    0x4a,
    0x46,
    0x49,
    0x46,
    0x00,
    0x01,
    0x01,
    0x01,
    0x00,
    0x48,
    0x00,
    0x48,
    0x00,
    0x00,
    // SOF0: 8 bits, height, width, 3 components (Y 2×2, Cb, Cr)
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    h >> 8,
    h & 0xff,
    w >> 8,
    w & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
    // SOS
    0xff,
    0xda,
    0x00,
    0x0c,
    0x03,
    0x01,
    0x00,
    0x02,
    0x11,
    0x03,
    0x11,
    0x00,
    0x3f,
    0x00,
  ]);
  const scan = randomBytes(Math.max(0, bytes - head.length - 2));
  // No marker inside the scan data (a real encoder stuffs 0xFF as FF 00).
  for (let i = 0; i < scan.length; i++) if (scan[i] === 0xff) scan[i] = 0xfe;
  return Buffer.concat([head, scan, Buffer.from([0xff, 0xd9])]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A valid w×h RGB PNG of about `bytes` bytes: noise rows (incompressible) to the target, then one colour. */
export function pngPhoto(bytes: number, w = 1024, h = 768): Buffer {
  const stride = 1 + w * 3;
  const noisy = Math.min(h, Math.ceil(bytes / stride));
  const raw = Buffer.alloc(stride * h, 0x80);
  for (let y = 0; y < h; y++) raw[y * stride] = 0; // filter: none
  for (let y = 0; y < noisy; y++) randomBytes(w * 3).copy(raw, y * stride + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The i-th photo of a quarter's pack: 200–300 KB, two JPEGs to one PNG. */
export function packPhoto(i: number): { name: string; mime: string; data: Buffer } {
  const bytes = 200_000 + ((i * 7919) % 100_000);
  return i % 3 === 2
    ? { name: `照片${i + 1}.png`, mime: "image/png", data: pngPhoto(bytes) }
    : { name: `照片${i + 1}.jpg`, mime: "image/jpeg", data: jpegPhoto(bytes) };
}
