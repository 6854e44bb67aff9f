/** The daily theme digests: themes, composition, schedule math, delivery, scheduler and the command facade. */
export * from "./themes.js";
export * from "./compose.js";
export * from "./schedule.js";
export * from "./errors.js";
export * from "./delivery.js";
export * from "./scheduler.js";
export * from "./service.js";
export { echo, splitThemeAndTime, MAX_ECHO_CHARS } from "./time-input.js";
export { resolveTimeZone, type ZoneMatch } from "./time-zone-input.js";
