/** Where an input problem sits: the input's name (file path, `-`, SQS message id…) and the place inside it. */
type InputPlace = {
  readonly source: string;
  /** `Records[12]`, `line 57`, `line 3: Records[0].body`, `gzip`, `byte 0`, `document`. */
  readonly location: string;
};

/**
 * A problem with one input or one record in it: `${source}: ${location}: reason`. Data problems stay local: the reader
 * reports the bad record as an error item and goes on with the next one.
 *
 * @example
 * throw new InputError('not a CloudTrail record (eventName: missing)', { source: 'trail.json.gz', location: 'Records[12]' });
 * // trail.json.gz: Records[12]: not a CloudTrail record (eventName: missing)
 */
class InputError extends Error {
  readonly source: string;
  readonly location: string;
  /** The reason alone, without source and location. */
  readonly reason: string;

  constructor(reason: string, at: InputPlace, options?: ErrorOptions) {
    super(`${at.source}: ${at.location}: ${reason}`, options);
    this.name = 'InputError';
    this.source = at.source;
    this.location = at.location;
    this.reason = reason;
  }
}

export { InputError, type InputPlace };
