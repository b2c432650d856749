interface TextFieldProps {
  name: string;
  label: string;
  type: "text" | "email";
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  /** Messages from the API for this field; shown under it and announced with it. */
  errors: readonly string[] | undefined;
}

/** A labelled, required text input with its validation messages. */
export function TextField({
  name,
  label,
  type,
  autoComplete,
  value,
  onChange,
  errors,
}: TextFieldProps) {
  const invalid = errors !== undefined && errors.length > 0;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        value={value}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${name}-error` : undefined}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      {invalid ? (
        <p id={`${name}-error`} className="field-error">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
