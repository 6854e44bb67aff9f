/**
 * corpus/manifest.json: what the text of a report cannot say (its meeting id, the
 * kind of meeting, the date when the text omits the year, where it came from).
 * Everything else is inferred from the text; a field given here wins.
 */
import * as z from "../validation.js";

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD"));
const nonEmpty = () => z.string().check(z.minLength(1));

/** One report file and the facts about it that the text lacks. */
export const ManifestEntrySchema = z.strictObject({
  file: nonEmpty(),
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes, e.g. 2024-wenzhou")),
  kind: z.optional(z.enum(["annual", "symposium"])),
  title: z.optional(z.string().check(z.minLength(2))),
  startDate: z.optional(isoDate),
  endDate: z.optional(isoDate),
  city: z.optional(nonEmpty()),
  province: z.optional(nonEmpty()),
  theme: z.optional(nonEmpty()),
  source: z.optional(
    z.object({
      name: z.optional(nonEmpty()),
      url: z.optional(z.url()),
    }),
  ),
});

/** The whole manifest. `topicTerms` decide which articles on a page are about the meetings. */
export const ManifestSchema = z.strictObject({
  topicTerms: z._default(z.array(nonEmpty()).check(z.minLength(1)), ["长三角"]),
  reports: z.array(ManifestEntrySchema),
});

export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
