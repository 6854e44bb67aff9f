/**
 * Reading a time zone the way people name it: an IANA name (Asia/Shanghai), a UTC
 * offset (UTC+8, +08:00, GMT-5), or a city or country in Chinese or English (北京, 上海,
 * 纽约, Berlin, 德国, Japan). Nothing here is a hand-made list of places; the names come
 * from data:
 * - ICU (Node's Intl): each IANA zone's city in Chinese ("纽约时间" → 纽约), and country
 *   names in Chinese and English by ISO code;
 * - `city-timezones`: about 7,300 cities with their English name, population, country and zone;
 * - `china-area-data`: China's provinces, cities and districts in Chinese (all on China's one zone).
 * A country with several zones gets the zone of its most populous city, and the reply says so.
 */
import { createRequire } from "node:module";

import { DigestInputError } from "./errors.js";
import { echo } from "./time-input.js";

/** How a zone was found. `country` carries the other zones when the country has several. */
export type ZoneMatch =
  | { via: "iana" | "offset"; timeZone: string }
  | { via: "city"; timeZone: string; place: string }
  | { via: "country"; timeZone: string; place: string; zones: number };

interface CityRow {
  city: string | null;
  city_ascii: string | null;
  pop: number;
  iso2: string;
  timezone: string | null;
}

interface PlaceIndex {
  cities: Map<string, { timeZone: string; place: string }>;
  countries: Map<string, { timeZone: string; place: string; zones: number }>;
}

let index: PlaceIndex | undefined;

/**
 * Resolves what a user typed after /timezone.
 * @throws DigestInputError `bad-zone` with examples of every accepted form.
 * @example resolveTimeZone("纽约") // { via: "city", timeZone: "America/New_York", place: "纽约" }
 * @example resolveTimeZone("UTC+8") // { via: "offset", timeZone: "Etc/GMT-8" }
 */
export function resolveTimeZone(input: string): ZoneMatch {
  const text = input.trim();
  const iana = canonicalZone(text);
  if (iana !== undefined) return { via: "iana", timeZone: iana };
  const offset = offsetZone(text);
  if (offset !== undefined) return { via: "offset", timeZone: offset };
  const key = placeKey(text);
  if (key !== "") {
    const places = (index ??= buildIndex());
    const city = places.cities.get(key);
    if (city !== undefined) return { via: "city", ...city };
    const country = places.countries.get(key);
    if (country !== undefined) return { via: "country", ...country };
  }
  // Chinese names of foreign cities come only from ICU, which names a one-zone country rather than its cities (日本, not 东京).
  throw new DigestInputError("bad-zone", {
    zh: `未知时区“${echo(text)}”：可以写城市或国家（北京、纽约、Tokyo、日本）、UTC 偏移（UTC+8、+08:00）或 IANA 时区名（Asia/Shanghai、Europe/Berlin、America/New_York）。`,
    en: `Unknown time zone “${echo(text)}”: name a city or country (Beijing, New York, Berlin, Japan), a UTC offset (UTC+8, +08:00) or an IANA zone such as Asia/Shanghai, Europe/Berlin or America/New_York.`,
  });
}

/** An IANA name in its canonical spelling ("asia/shanghai" → "Asia/Shanghai"), or undefined. */
function canonicalZone(name: string): string | undefined {
  // Offsets such as "+08:00" are not zones (they ignore DST); they are read by offsetZone.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/u.test(name) || !name.includes("/"))
    return name.toUpperCase() === "UTC" ? "UTC" : undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * UTC+8, UTC+08:00, GMT-5, +08:00, +8 → an Etc/GMT zone (whose sign is inverted by
 * POSIX convention: UTC+8 is Etc/GMT-8). Only whole hours: there are no Etc zones for
 * +05:30, which is refused here and is best given as a city (Kolkata, 孟买).
 */
function offsetZone(text: string): string | undefined {
  const match = /^(?:UTC|GMT)?\s*([+\-−])\s*(\d{1,2})(?:[:：]?(\d{2}))?$/iu.exec(text);
  if (match === null) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  const sign = match[1] === "+" ? 1 : -1;
  if (minutes !== 0 || hours > 14 || (sign < 0 && hours > 12)) return undefined;
  if (hours === 0) return "UTC";
  return `Etc/GMT${sign > 0 ? "-" : "+"}${hours}`;
}

/** Lower case, without spaces, punctuation and the administrative suffixes of Chinese place names. */
function placeKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-'’.,·]/gu, "")
    .replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|县|区)$/u, "");
}

function buildIndex(): PlaceIndex {
  const require = createRequire(import.meta.url);
  const rows = (require("city-timezones") as { cityMapping: CityRow[] }).cityMapping;
  const zones = new Set(Intl.supportedValuesOf("timeZone"));
  const canonical = new Map<string, string | undefined>();
  const zoneOf = (name: string | null) => {
    if (typeof name !== "string") return undefined;
    if (!canonical.has(name)) canonical.set(name, canonicalZone(name));
    return canonical.get(name);
  };
  const cities = new Map<string, { timeZone: string; place: string; pop: number }>();
  const addCity = (name: string | null, timeZone: string, pop: number) => {
    if (typeof name !== "string") return;
    const key = placeKey(name);
    const known = cities.get(key);
    // The same name in several places (Portland, 朝阳): the most populous one wins.
    if (key !== "" && (known === undefined || known.pop < pop)) cities.set(key, { timeZone, place: name, pop });
  };

  // Per country: its zones, and the zone of its most populous city.
  const byCountry = new Map<string, { zones: Set<string>; top: CityRow & { timezone: string } }>();
  for (const row of rows) {
    const timeZone = zoneOf(row.timezone);
    if (timeZone === undefined) continue;
    addCity(row.city, timeZone, row.pop);
    addCity(row.city_ascii, timeZone, row.pop);
    const country = byCountry.get(row.iso2);
    if (country === undefined)
      byCountry.set(row.iso2, { zones: new Set([timeZone]), top: { ...row, timezone: timeZone } });
    else {
      country.zones.add(timeZone);
      if (row.pop > country.top.pop) country.top = { ...row, timezone: timeZone };
    }
  }

  // Each zone's own city, in English (from its name) and Chinese (ICU's exemplar city: "纽约时间").
  const big = Number.MAX_SAFE_INTEGER;
  for (const zone of zones) {
    const city = zone.split("/").at(-1)!.replace(/_/gu, " ");
    if (zone.includes("/") && !zone.startsWith("Etc/")) addCity(city, zone, big);
    const zh = zoneLocation(zone, "zh-CN");
    if (zh !== undefined) addCity(zh, zone, big);
  }

  const countries = new Map<string, { timeZone: string; place: string; zones: number }>();
  // Long and short names: 美国 and 中国香港特别行政区/香港, United States/US, United Kingdom/UK.
  const regionNames = ["zh-CN", "en"].flatMap((locale) =>
    (["long", "short"] as const).map((style) => new Intl.DisplayNames([locale], { type: "region", style })),
  );
  for (const [iso2, { zones: countryZones, top }] of byCountry) {
    for (const names of regionNames) {
      const name = regionName(names, iso2);
      if (name === undefined) continue;
      const key = placeKey(name);
      // A country's name is also the exemplar "city" of a single-zone country (德国时间); the country entry says more.
      cities.delete(key);
      countries.set(key, { timeZone: top.timezone, place: name, zones: countryZones.size });
    }
  }

  // China's provinces, cities and districts, in Chinese: the whole mainland keeps China's one clock.
  const china = byCountry.get("CN")?.top.timezone;
  if (china !== undefined) {
    const areas = require("china-area-data/data.json") as Record<string, Record<string, string>>;
    const provinces = areas["86"] ?? {};
    for (const [code, names] of Object.entries(areas)) {
      // Hong Kong, Macao and Taiwan (codes 81, 82, 71) have their own zones, found by ICU above.
      if (/^(71|81|82)/u.test(code)) continue;
      for (const [childCode, name] of Object.entries(code === "86" ? provinces : names)) {
        if (/^(71|81|82)/u.test(childCode) || name === "市辖区") continue;
        const key = placeKey(name);
        if (key !== "" && !cities.has(key) && !countries.has(key))
          cities.set(key, { timeZone: china, place: name, pop: 0 });
      }
    }
  }
  return {
    cities: new Map([...cities].map(([key, { timeZone, place }]) => [key, { timeZone, place }])),
    countries,
  };
}

/** ICU's generic location name of a zone without its "时间"/"Time" suffix: 纽约, 德国; undefined for offsets. */
function zoneLocation(zone: string, locale: string): string | undefined {
  try {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "shortGeneric" })
      .formatToParts(new Date(0))
      .find((part) => part.type === "timeZoneName")?.value;
    if (name === undefined || /GMT|UTC|[+-]\d/u.test(name)) return undefined;
    return name.replace(/时间$/u, "");
  } catch {
    return undefined;
  }
}

/** A country's name by ISO code, or undefined for codes ICU does not know (city-timezones has a few). */
function regionName(names: Intl.DisplayNames, iso2: string): string | undefined {
  if (!/^[A-Z]{2}$/u.test(iso2)) return undefined;
  try {
    const name = names.of(iso2);
    return name === iso2 ? undefined : name;
  } catch {
    return undefined;
  }
}
