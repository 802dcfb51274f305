/**
 * A streaming XML tokenizer for the pre-flight: bytes in (any chunking), events out for the few
 * element names a scan asks for, in memory bounded by one tag (MAX_TAG_BYTES). It is not a parser —
 * no validation, no namespaces, no DTD — just enough to count rows, cells, shared strings and
 * characters in the parts exceljs is about to read whole, without reading them whole. Hot loop:
 * a sheet of 100,000 rows is ~60 MB of XML, so it allocates nothing per tag it was not asked for.
 */

/**
 * The attributes of the tag being opened; valid during `open` only. A prefixed attribute (`r:id`)
 * answers to its local name. `int` and `is` allocate nothing (they run once per cell).
 */
export interface TagAttributes {
  /** `name`'s value, entities decoded. */
  get(name: string): string | undefined;
  /** `name`'s value as a non-negative integer; -1 when absent or not digits. */
  int(name: string): number;
  /** Whether `name`'s value is exactly `ascii`. */
  is(name: string, ascii: string): boolean;
  /** The 0-based column of an A1 reference in `name` ("AB12" → 27); -1 when absent. */
  column(name: string): number;
}

export interface XmlEvents {
  /** `name` is one of the names the scanner was given (a namespace prefix is ignored). */
  open(name: string, attrs: TagAttributes, selfClosing: boolean): void;
  close(name: string): void;
  /**
   * Text (or CDATA) bytes [start, end) of `buf`, `chars` characters as Excel counts them (UTF-16
   * units; an entity is one), `blank` when they are all white space. A text node may come in pieces.
   */
  text(buf: Buffer, start: number, end: number, chars: number, blank: boolean): void;
}

/** Tags longer than this keep scanning; their attributes are read from the first 8 KB only. */
const MAX_TAG_BYTES = 8 * 1024;
/** `&#x10FFFF;` is the longest entity a spreadsheet part has. */
const MAX_ENTITY_BYTES = 12;

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SEMI = 0x3b;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DQ = 0x22;
const SQ = 0x27;
const DASH = 0x2d;
const RSQB = 0x5d;
const LSQB = 0x5b;
const COLON = 0x3a;
const EQ = 0x3d;

const enum State {
  Text,
  /** Just after `<`: an element tag, or `<!`/`<?`. */
  TagStart,
  Tag,
  /** After `<!`: a comment, CDATA or a declaration, told apart by the next bytes. */
  Bang,
  Comment,
  CData,
  /** `<?…?>` and `<!DOCTYPE …>`: skipped. */
  Skip,
}

const CDATA_OPEN = "[CDATA[";

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** UTF-16 units a UTF-8 byte starts: continuation bytes none, 4-byte sequences (astral) two. */
const unitsOf = (b: number): number => (b < 0x80 ? 1 : b < 0xc0 ? 0 : b < 0xf0 ? 1 : 2);

function sameBytes(buf: Buffer, s: number, e: number, ascii: string): boolean {
  if (e - s !== ascii.length) return false;
  for (let j = 0; j < ascii.length; j++) if (buf[s + j] !== ascii.charCodeAt(j)) return false;
  return true;
}

/** &amp; &lt; &gt; &quot; &apos; &#N; &#xH; — attribute values of the few tags we read. */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
    }
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e as "amp"];
  });
}

export class XmlScanner implements TagAttributes {
  private state = State.Text;
  private readonly names: readonly string[];
  private readonly nameBytes: readonly Buffer[];
  /** A tag split across chunks is gathered here (its first MAX_TAG_BYTES). */
  private readonly pending = Buffer.alloc(MAX_TAG_BYTES);
  private pendingLen = 0;
  private quote = 0;
  private lastTagByte = 0;
  /** The tag `get` reads: [tagStart, tagEnd) of tagBuf, after its name. */
  private tagBuf: Buffer = this.pending;
  private attrStart = 0;
  private tagEnd = 0;
  private valueStart = 0;
  private valueEnd = 0;
  /** Bytes of an entity (`&…;`) seen so far; 0 outside one. */
  private entity = 0;
  /** Bytes of `<!…` seen, to tell a comment from CDATA from a declaration. */
  private bang = "";
  /** Trailing `-` (comment) or `]` (CDATA) bytes, for their terminators. */
  private run = 0;
  /** `[` depth of a DOCTYPE's internal subset. */
  private depth = 0;

  constructor(
    private readonly events: XmlEvents,
    names: readonly string[]
  ) {
    this.names = names;
    this.nameBytes = names.map((n) => Buffer.from(n, "latin1"));
  }

  feed(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Text: {
          const lt = buf.indexOf(LT, i);
          const end = lt < 0 ? n : lt;
          if (end > i) this.text(buf, i, end);
          if (lt < 0) return;
          i = lt + 1;
          this.state = State.TagStart;
          this.entity = 0;
          break;
        }
        case State.TagStart: {
          const b = buf[i];
          if (b === BANG || b === QUESTION) {
            this.state = b === BANG ? State.Bang : State.Skip;
            this.bang = "";
            this.run = 0;
            this.depth = 0;
            i++;
          } else {
            this.state = State.Tag;
            this.pendingLen = 0;
            this.quote = 0;
            this.lastTagByte = 0;
          }
          break;
        }
        case State.Tag:
          i = this.scanTag(buf, i);
          break;
        case State.Bang:
          i = this.scanBang(buf, i);
          break;
        case State.Comment:
          i = this.scanComment(buf, i);
          break;
        case State.CData:
          i = this.scanCData(buf, i);
          break;
        case State.Skip:
          i = this.scanSkip(buf, i);
          break;
      }
    }
  }

  private text(buf: Buffer, start: number, end: number): void {
    let chars = 0;
    let blank = true;
    let entity = this.entity;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      // An entity is one character; one that does not end soon is not an entity (saxes refuses it).
      if (entity > 0 && entity < MAX_ENTITY_BYTES) {
        entity = b === SEMI ? 0 : entity + 1;
        continue;
      }
      entity = 0;
      if (b === AMP) {
        entity = 1;
        chars++;
        blank = false;
        continue;
      }
      chars += unitsOf(b);
      if (blank && !isSpace(b)) blank = false;
    }
    this.entity = entity;
    this.events.text(buf, start, end, chars, blank);
  }

  /** To the tag's `>` (outside quotes); a tag the chunk cuts is gathered in `pending`. */
  private scanTag(buf: Buffer, from: number): number {
    const n = buf.length;
    let q = this.quote;
    let i = from;
    for (; i < n; i++) {
      const b = buf[i];
      if (q !== 0) {
        if (b === q) q = 0;
      } else if (b === GT) {
        break;
      } else if (b === DQ || b === SQ) {
        q = b;
      }
    }
    this.quote = q;
    if (i > from) this.lastTagByte = buf[i - 1];
    if (i === n) {
      this.keep(buf, from, n);
      return n;
    }
    this.state = State.Text;
    if (this.pendingLen === 0) {
      this.endTag(buf, from, i);
    } else {
      this.keep(buf, from, i);
      this.endTag(this.pending, 0, Math.min(this.pendingLen, MAX_TAG_BYTES));
    }
    return i + 1;
  }

  private keep(buf: Buffer, from: number, to: number): void {
    const room = MAX_TAG_BYTES - Math.min(this.pendingLen, MAX_TAG_BYTES);
    if (room > 0) buf.copy(this.pending, this.pendingLen, from, Math.min(to, from + room));
    this.pendingLen += to - from;
  }

  /** The tag's bytes [start, end) without `<` and `>`: which name, and its event. */
  private endTag(buf: Buffer, start: number, end: number): void {
    const closing = end > start && buf[start] === SLASH;
    let s = closing ? start + 1 : start;
    let e = s;
    let colon = -1;
    while (e < end) {
      const b = buf[e];
      if (isSpace(b) || b === SLASH) break;
      if (b === COLON) colon = e;
      e++;
    }
    if (colon >= 0) s = colon + 1;
    const name = this.match(buf, s, e);
    if (name === null) return;
    if (closing) {
      this.events.close(name);
      return;
    }
    const selfClosing = this.lastTagByte === SLASH;
    this.tagBuf = buf;
    this.attrStart = e;
    this.tagEnd = selfClosing ? end - 1 : end;
    this.events.open(name, this, selfClosing);
  }

  private match(buf: Buffer, s: number, e: number): string | null {
    const len = e - s;
    for (let k = 0; k < this.nameBytes.length; k++) {
      const want = this.nameBytes[k];
      if (want.length !== len) continue;
      let j = 0;
      while (j < len && buf[s + j] === want[j]) j++;
      if (j === len) return this.names[k];
    }
    return null;
  }

  get(name: string): string | undefined {
    if (!this.find(name)) return undefined;
    return decodeEntities(this.tagBuf.toString("utf8", this.valueStart, this.valueEnd));
  }

  int(name: string): number {
    if (!this.find(name) || this.valueEnd === this.valueStart || this.valueEnd - this.valueStart > 15)
      return -1;
    let v = 0;
    for (let i = this.valueStart; i < this.valueEnd; i++) {
      const d = this.tagBuf[i] - 0x30;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  is(name: string, ascii: string): boolean {
    return this.find(name) && sameBytes(this.tagBuf, this.valueStart, this.valueEnd, ascii);
  }

  column(name: string): number {
    if (!this.find(name)) return -1;
    let v = 0;
    let i = this.valueStart;
    for (; i < this.valueEnd && i - this.valueStart < 3; i++) {
      const c = this.tagBuf[i] | 0x20; // lower case
      if (c < 0x61 || c > 0x7a) break;
      v = v * 26 + (c - 0x60);
    }
    return i === this.valueStart ? -1 : v - 1;
  }

  /** Find attribute `name` in the current tag: its value is [valueStart, valueEnd) of tagBuf. */
  private find(name: string): boolean {
    const buf = this.tagBuf;
    const end = this.tagEnd;
    let i = this.attrStart;
    while (i < end) {
      while (i < end && isSpace(buf[i])) i++;
      const keyStart = i;
      let colon = -1;
      while (i < end && buf[i] !== EQ && !isSpace(buf[i])) {
        if (buf[i] === COLON) colon = i;
        i++;
      }
      const keyEnd = i;
      while (i < end && isSpace(buf[i])) i++;
      if (i >= end || buf[i] !== EQ) return false;
      i++;
      while (i < end && isSpace(buf[i])) i++;
      const q = buf[i];
      if (q !== DQ && q !== SQ) return false;
      const valueStart = ++i;
      while (i < end && buf[i] !== q) i++;
      const valueEnd = i++;
      if (sameBytes(buf, keyStart, keyEnd, name) || (colon >= 0 && sameBytes(buf, colon + 1, keyEnd, name))) {
        this.valueStart = valueStart;
        this.valueEnd = valueEnd;
        return true;
      }
    }
    return false;
  }

  private scanBang(buf: Buffer, from: number): number {
    let i = from;
    while (i < buf.length) {
      this.bang += String.fromCharCode(buf[i++]);
      if (this.bang === "--") {
        this.state = State.Comment;
        this.run = 0;
        return i;
      }
      if (this.bang === CDATA_OPEN) {
        this.state = State.CData;
        this.run = 0;
        return i;
      }
      if (!"--".startsWith(this.bang) && !CDATA_OPEN.startsWith(this.bang)) {
        this.state = State.Skip;
        return i - 1;
      }
    }
    return i;
  }

  private scanComment(buf: Buffer, from: number): number {
    for (let i = from; i < buf.length; i++) {
      const b = buf[i];
      if (b === GT && this.run >= 2) {
        this.state = State.Text;
        return i + 1;
      }
      this.run = b === DASH ? this.run + 1 : 0;
    }
    return buf.length;
  }

  /** CDATA is text without entities; `]]>` ends it (the brackets are not text). */
  private scanCData(buf: Buffer, from: number): number {
    let chars = 0;
    let blank = true;
    let i = from;
    for (; i < buf.length; i++) {
      const b = buf[i];
      if (b === GT && this.run >= 2) {
        if (this.run > 2) {
          chars += this.run - 2;
          blank = false;
        }
        this.run = 0;
        this.events.text(buf, from, i, chars, blank);
        this.state = State.Text;
        return i + 1;
      }
      if (b === RSQB) {
        this.run++;
        continue;
      }
      if (this.run > 0) {
        chars += this.run;
        blank = false;
        this.run = 0;
      }
      chars += unitsOf(b);
      if (blank && !isSpace(b)) blank = false;
    }
    if (chars > 0) this.events.text(buf, from, i, chars, blank);
    return i;
  }

  /** `<?…?>` ends at `>`; `<!DOCTYPE … [ … ]>` at the `>` outside its brackets. */
  private scanSkip(buf: Buffer, from: number): number {
    for (let i = from; i < buf.length; i++) {
      const b = buf[i];
      if (b === LSQB) this.depth++;
      else if (b === RSQB && this.depth > 0) this.depth--;
      else if (b === GT && this.depth === 0) {
        this.state = State.Text;
        return i + 1;
      }
    }
    return buf.length;
  }
}
