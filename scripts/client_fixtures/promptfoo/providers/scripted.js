// An offline promptfoo provider with fixed answers, token usage, a short delay and one error.
const ANSWERS = { France: 'Paris', Japan: 'Tokyo', Peru: 'Cusco', Kenya: 'Nairobi' };

class ScriptedProvider {
  constructor(options) {
    this.config = (options && options.config) || {};
  }

  id() {
    return 'file://providers/scripted.js';
  }

  async callApi(prompt, context) {
    const country = context.vars.country;
    await new Promise((resolve) => setTimeout(resolve, 15 + (prompt.length % 7) * 5));
    if (!(country in ANSWERS)) {
      return { error: `API error: 503 Service Unavailable (no answer for ${country})` };
    }
    const output = `The capital is ${ANSWERS[country]}.`;
    const prompt_tokens = Math.ceil(prompt.length / 4);
    const completion_tokens = Math.ceil(output.length / 4);
    return {
      output,
      tokenUsage: { total: prompt_tokens + completion_tokens, prompt: prompt_tokens, completion: completion_tokens },
      cost: 0.000001 * (prompt_tokens + 2 * completion_tokens),
    };
  }
}

module.exports = ScriptedProvider;
