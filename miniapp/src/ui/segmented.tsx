// A segmented control (one of a few options), as a radio group.
import { haptic } from '../telegram/haptics.ts';

export function Segmented<T extends string | number>({
  name,
  options,
  value,
  onChange,
}: {
  name: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" data-testid={`segmented-${name}`}>
      {options.map((option) => (
        <label key={String(option.value)} className={option.value === value ? 'segment selected' : 'segment'}>
          <input
            type="radio"
            name={name}
            value={String(option.value)}
            checked={option.value === value}
            onChange={() => {
              haptic.selection();
              onChange(option.value);
            }}
          />
          {option.label}
        </label>
      ))}
    </div>
  );
}
