import { describe, expect, it } from "vitest";
import { DigestInputError } from "../../src/digest/errors.js";
import { DEFAULT_THEMES, findTheme, resolveTheme, themeCounts } from "../../src/digest/themes.js";
import { buildChunks, fixtureChunks } from "./helpers.js";

describe("themes", () => {
  it("offers the ten themes users are promised", () => {
    const names = DEFAULT_THEMES.map((t) => t.zh);
    for (const name of [
      "科技创新",
      "产业协同",
      "生态环境",
      "交通与基础设施",
      "公共服务与民生",
      "对外开放",
      "体制机制",
      "安全发展",
      "文化旅游",
      "数字经济",
    ]) {
      expect(names).toContain(name);
    }
    expect(new Set(DEFAULT_THEMES.map((t) => t.id)).size).toBe(DEFAULT_THEMES.length);
  });

  it("finds a theme by id, Chinese or English name, ignoring case and spaces", () => {
    expect(findTheme("科技创新")?.id).toBe("tech");
    expect(findTheme("TECH")?.id).toBe("tech");
    expect(findTheme("ecology & environment")?.zh).toBe("生态环境");
    expect(findTheme(" 生态环境 ")?.id).toBe("ecology");
    expect(findTheme("量子")).toBeUndefined();
  });

  it("turns other text into a free-text topic, and refuses empty or over-long ones with what is accepted", () => {
    const topic = resolveTheme("  人工智能 ");
    expect(topic).toMatchObject({ custom: true, zh: "人工智能", terms: [{ term: "人工智能" }] });
    expect(() => resolveTheme("   ")).toThrow(DigestInputError);
    try {
      resolveTheme("长三角一体化发展中的人工智能与集成电路产业协同创新");
      expect.unreachable();
    } catch (error) {
      expect((error as DigestInputError).code).toBe("topic-too-long");
      expect((error as DigestInputError).text("zh")).toContain("20");
      expect((error as DigestInputError).text("zh")).toContain("科技创新");
    }
  });

  it("counts distinct matching paragraphs per meeting, counting a split paragraph once", () => {
    const chunks = buildChunks([
      {
        id: "m1",
        year: 2023,
        startDate: "2023-06-05",
        paragraphs: ["推进科技创新。|继续推进科创合作。", "加强生态保护。", "会议结束。"],
      },
      { id: "m2", year: 2024, startDate: "2024-05-20", paragraphs: ["共建人工智能创新高地。"] },
    ]);
    const tech = themeCounts(chunks).find((c) => c.theme.id === "tech")!;
    expect(tech.byMeeting).toEqual({ m1: 1, m2: 1 });
    expect(tech.total).toBe(2);
    const ecology = themeCounts(chunks).find((c) => c.theme.id === "ecology")!;
    expect(ecology.byMeeting).toEqual({ m1: 1 });
  });

  it("finds every fixture tech paragraph and none of the unrelated ones", () => {
    const tech = themeCounts(fixtureChunks()).find((c) => c.theme.id === "tech")!;
    expect(tech.total).toBe(24);
  });
});
