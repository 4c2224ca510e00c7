/**
 * Plain scalars and the values PyYAML 6 (yaml.safe_load) gives them: src/pyyaml.test.ts checks the
 * adapter's reading against this table, test/bentoml/pyyaml.test.ts checks the table against PyYAML.
 */
export const PLAIN_SCALARS: [string, unknown][] = [
  ["yes", true],
  ["On", true],
  ["off", false],
  ["y", "y"],
  ["n", "n"],
  ["1e3", "1e3"],
  ["1.0e+3", 1000],
  ["1.5e-7", 1.5e-7],
  ["2e77777777777777", "2e77777777777777"],
  ["012", 10],
  ["0o12", "0o12"],
  ["0x1F", 31],
  ["0b101", 5],
  ["1_000", 1000],
  ["1:30", 90],
  ["1:30.5", 90.5],
  ["~", null],
  ["null", null],
  [".inf", Infinity],
  ["-.Inf", -Infinity],
  ["3.", 3],
  [".5", 0.5],
  ["tad7kchrucexkax4", "tad7kchrucexkax4"],
  ["v3", "v3"],
];
