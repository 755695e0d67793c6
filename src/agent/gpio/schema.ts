/**
 * GPIO output config: the single source of truth for an output's fields, defaults and documentation. The
 * config module embeds `outputListSchema`.
 */
import { z } from 'zod';

export const outputSchema = z
  .strictObject({
    name: z.string().min(1).max(64).describe('Output name that rules refer to'),
    line: z
      .union([z.number().int().min(0), z.string().min(1)])
      .describe(
        'Line NAME as the chip reports it ("GPIO17") or its OFFSET on the chip (17); never a global GPIO number',
      ),
    chip: z
      .string()
      .min(1)
      .default('auto')
      .describe(
        'Chip label ("pinctrl-rp1" on a Pi 5, "pinctrl-bcm2711" on a Pi 4), a device path ("/dev/gpiochip0"), or "auto"',
      ),
    activeLow: z
      .boolean()
      .default(false)
      .describe('On drives the line low (most relay modules switch on a low input)'),
    initial: z.enum(['off', 'on']).default('off').describe('Logical state driven when the line is claimed'),
    safe: z
      .enum(['off', 'on'])
      .default('off')
      .describe('Logical state driven on every exit path (stop, signals, fatal errors)'),
  })
  .describe('A GPIO output line');

export const outputListSchema = z
  .array(outputSchema)
  .superRefine((outputs, ctx) => {
    const seen = new Set<string>();
    outputs.forEach((output, index) => {
      if (seen.has(output.name)) {
        ctx.addIssue({ code: 'custom', message: `duplicate output name "${output.name}"`, path: [index, 'name'] });
      }
      seen.add(output.name);
    });
  })
  .describe('GPIO outputs the rules drive');

export type OutputConfig = z.infer<typeof outputSchema>;
export type OutputConfigInput = z.input<typeof outputSchema>;
