/** A change the person just made, confirmed from the store, shown at the top of the page it led to. */
export function ConfirmationBanner({ message }: { message: string }) {
  return (
    <p
      role="status"
      data-testid="confirmation"
      className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-800 wrap-anywhere"
    >
      {message}
    </p>
  );
}
