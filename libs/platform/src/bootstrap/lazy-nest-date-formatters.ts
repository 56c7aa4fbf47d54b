import { createRequire } from 'node:module';

const RealDateTimeFormat = Intl.DateTimeFormat;
type FormatArgs = ConstructorParameters<typeof Intl.DateTimeFormat>;
type RangeArgs = Parameters<Intl.DateTimeFormat['formatRange']>;

/** Intl.DateTimeFormat's interface, with the real formatter built on first use. */
class DeferredDateTimeFormat {
  static supportedLocalesOf(...args: Parameters<typeof Intl.DateTimeFormat.supportedLocalesOf>): string[] {
    return RealDateTimeFormat.supportedLocalesOf(...args);
  }

  #real: Intl.DateTimeFormat | undefined;
  readonly #args: FormatArgs;

  constructor(...args: FormatArgs) {
    this.#args = args;
  }

  private get real(): Intl.DateTimeFormat {
    return (this.#real ??= new RealDateTimeFormat(...this.#args));
  }

  // The real `format` is a getter that returns a bound function, so that it can be passed around.
  get format(): Intl.DateTimeFormat['format'] {
    const real = this.real;
    return (date) => real.format(date);
  }

  formatToParts(date?: Date | number): Intl.DateTimeFormatPart[] {
    return this.real.formatToParts(date);
  }

  formatRange(...range: RangeArgs): string {
    return this.real.formatRange(...range);
  }

  formatRangeToParts(...range: RangeArgs): ReturnType<Intl.DateTimeFormat['formatRangeToParts']> {
    return this.real.formatRangeToParts(...range);
  }

  resolvedOptions(): Intl.ResolvedDateTimeFormatOptions {
    return this.real.resolvedOptions();
  }
}

/**
 * Loads @nestjs/common with its two date formatters left unbuilt until used. It builds them as it
 * loads, for the timestamps of its console logger; our services log through pino and never use them,
 * but building one pages in ICU's locale data: about 7 MiB of resident memory in every service process
 * (README, Benchmarks). While NestJS loads, Intl.DateTimeFormat hands out formatters that build the
 * real one on first use; then the real constructor is put back.
 */
export function loadNestWithLazyDateFormatters(): void {
  Intl.DateTimeFormat = DeferredDateTimeFormat as unknown as typeof Intl.DateTimeFormat;
  try {
    // require() loads the ES module synchronously: the swap lasts exactly as long as NestJS's loading.
    createRequire(import.meta.url)('@nestjs/common');
  } finally {
    Intl.DateTimeFormat = RealDateTimeFormat;
  }
}
