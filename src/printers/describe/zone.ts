// Time-zone abbreviations as Go prints them in time.Time.String(): read from the zone's TZif data (what Go's
// time package loads), not from ICU, whose short names depend on the locale ("GMT+1" where Go says "CET").

export interface TZifType {
  /** seconds east of UTC */
  utoff: number;
  isdst: boolean;
  abbr: string;
}

export interface TZif {
  types: TZifType[];
  /** the type index of each transition, in time order */
  transitionTypes: number[];
}

/** Parses TZif data (RFC 8536): the 64-bit block of version 2+ files, else the version 1 block. */
export function parseTZif(buf: Uint8Array): TZif | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = String.fromCharCode(...buf.subarray(0, 4));
  if (magic !== 'TZif' || buf.length < 44) return undefined;
  const counts = (at: number) => ({
    isutcnt: view.getUint32(at + 20),
    isstdcnt: view.getUint32(at + 24),
    leapcnt: view.getUint32(at + 28),
    timecnt: view.getUint32(at + 32),
    typecnt: view.getUint32(at + 36),
    charcnt: view.getUint32(at + 40),
  });
  let at = 0;
  let c = counts(0);
  let timeSize = 4;
  if (buf[4] >= 0x32) {
    // Skip the version 1 block to the 64-bit one.
    at = 44 + c.timecnt * 4 + c.timecnt + c.typecnt * 6 + c.charcnt + c.leapcnt * 8 + c.isstdcnt + c.isutcnt;
    if (at + 44 > buf.length || String.fromCharCode(...buf.subarray(at, at + 4)) !== 'TZif') return undefined;
    c = counts(at);
    timeSize = 8;
  }
  let p = at + 44 + c.timecnt * timeSize;
  const transitionTypes = [...buf.subarray(p, p + c.timecnt)];
  p += c.timecnt;
  const raw: { utoff: number; isdst: boolean; abbrind: number }[] = [];
  for (let i = 0; i < c.typecnt; i++, p += 6) raw.push({ utoff: view.getInt32(p), isdst: buf[p + 4] === 1, abbrind: buf[p + 5] });
  const chars = buf.subarray(p, p + c.charcnt);
  const abbrAt = (i: number) => {
    let end = i;
    while (end < chars.length && chars[end] !== 0) end++;
    return String.fromCharCode(...chars.subarray(i, end));
  };
  return { types: raw.map((t) => ({ utoff: t.utoff, isdst: t.isdst, abbr: abbrAt(t.abbrind) })), transitionTypes };
}

/** The abbreviation of the zone's most recent type with this offset ("CET" for +01:00 in Europe/Paris). */
export function abbreviationFor(tz: TZif, offsetMinutes: number): string | undefined {
  const utoff = offsetMinutes * 60;
  for (let i = tz.transitionTypes.length - 1; i >= 0; i--) {
    const t = tz.types[tz.transitionTypes[i]];
    if (t && t.utoff === utoff) return t.abbr;
  }
  return tz.types.find((t) => t.utoff === utoff)?.abbr;
}

/** Go's name for a zone without an abbreviation: "+03", "-0330". */
export function numericAbbreviation(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  const h = String(Math.trunc(abs / 60)).padStart(2, '0');
  const m = abs % 60;
  return `${offsetMinutes < 0 ? '-' : '+'}${h}${m ? String(m).padStart(2, '0') : ''}`;
}
