/**
 * zod for the start-up path (config, corpus manifest): `zod/mini`, the same parser and messages as `zod`
 * without its method-chaining classes, which are most of zod's 0.75 MB and took about 25 ms of every cold
 * start. zod/mini has no default locale, so this sets zod's English messages ("Too big: expected number to
 * be <=65535"), as `zod` does. Import it as `import * as z from "./validation.js"`, not from "zod/mini", so the
 * messages are always set (a namespace import, so the bundle keeps only the parts used).
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
