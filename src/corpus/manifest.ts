/**
 * corpus/manifest.json: what the text of a report cannot say (its meeting id, the
 * kind of meeting, the date when the text omits the year, where it came from).
 * Everything else is inferred from the text; a field given here wins.
 */
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

/** One report file and the facts about it that the text lacks. */
export const ManifestEntrySchema = z
  .object({
    file: z.string().min(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes, e.g. 2024-wenzhou"),
    kind: z.enum(["annual", "symposium"]).optional(),
    title: z.string().min(2).optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    city: z.string().min(1).optional(),
    province: z.string().min(1).optional(),
    theme: z.string().min(1).optional(),
    source: z
      .object({
        name: z.string().min(1).optional(),
        url: z.url().optional(),
      })
      .optional(),
  })
  .strict();

/** The whole manifest. `topicTerms` decide which articles on a page are about the meetings. */
export const ManifestSchema = z
  .object({
    topicTerms: z.array(z.string().min(1)).min(1).default(["长三角"]),
    reports: z.array(ManifestEntrySchema),
  })
  .strict();

export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
