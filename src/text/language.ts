/** The one language rule: which language a question is in, and so which language the reply is in. */

/**
 * English when Latin letters outnumber Han characters, else Chinese: "What did 习近平 emphasize?" is
 * English, "2024年的meeting在哪" Chinese. The answer, the interface texts and the model path all follow it.
 */
export function languageOf(text: string): "zh" | "en" {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return latin > han ? "en" : "zh";
}
