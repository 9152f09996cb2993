import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * node:util parseArgs, strict, with its refusals in one short line: "unknown option
 * --pasword" instead of Node's sentence about positionals after "--".
 */
export function parseOptions<T extends ParseArgsConfig>(config: T, command: string) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    const option = /'(-[^' ]*)/.exec(message)?.[1];
    const hint = `see vestibule ${command} --help`;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new Error(`${command}: unknown option ${option ?? ""}; ${hint}`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new Error(`${command}: ${option ?? "an option"} needs a value; ${hint}`);
    }
    throw new Error(`${command}: ${message.split("\n")[0]}; ${hint}`);
  }
}

/** A command that takes no arguments refuses any (`migrate --yes`, `serve --port 4000`). */
export function noArguments(args: readonly string[], command: string): string | undefined {
  const [first] = args;
  if (first === undefined) return undefined;
  return first.startsWith("-")
    ? `${command}: unknown option ${first}; see vestibule ${command} --help`
    : `${command} takes no arguments (got "${first}")`;
}
