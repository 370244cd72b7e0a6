import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { connection } from 'next/server';
import { NavLink } from '@/components/nav-link';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Eventbank', template: '%s · Eventbank' },
  description: 'Event sourcing and CQRS on EventStoreDB: open accounts, deposit, make payments and see every event.',
};

// Every page renders per request, the not-found page included: Next can only put proxy.ts's
// CSP nonce on the scripts of pages rendered after it ran.
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <header className="bg-brand-900 text-white shadow">
          {/* Wraps below the name on a phone rather than pushing "Open account" off the screen. */}
          <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-3 px-4 py-3 sm:py-4">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight">
              <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-white/15 text-sm font-bold">
                EB
              </span>
              Eventbank
            </Link>
            <nav aria-label="Main">
              <ul className="flex flex-wrap items-center gap-1 text-sm font-medium">
                <li>
                  <NavLink
                    href="/"
                    className="whitespace-nowrap rounded-md px-2.5 py-2 hover:bg-white/10 sm:px-3 focus-visible:outline-2 focus-visible:outline-white aria-[current=page]:bg-white/15"
                  >
                    Accounts
                  </NavLink>
                </li>
                <li>
                  <NavLink
                    href="/events"
                    className="whitespace-nowrap rounded-md px-2.5 py-2 hover:bg-white/10 sm:px-3 focus-visible:outline-2 focus-visible:outline-white aria-[current=page]:bg-white/15"
                  >
                    Event log
                  </NavLink>
                </li>
                <li>
                  <NavLink
                    href="/system"
                    className="rounded-md px-3 py-2 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-white aria-[current=page]:bg-white/15"
                  >
                    Operations
                  </NavLink>
                </li>
                <li>
                  <NavLink
                    href="/accounts/new"
                    className="whitespace-nowrap rounded-md bg-white px-2.5 py-2 text-brand-900 sm:px-3 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-white aria-[current=page]:ring-2 aria-[current=page]:ring-white/60"
                  >
                    Open account
                  </NavLink>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-5xl px-4 py-8">
          {children}
        </main>
        <footer className="mx-auto max-w-5xl px-4 pb-8 text-xs text-slate-500">
          Every change is an event in EventStoreDB; account pages read the PostgreSQL projection, the event log finds events through its
          index and shows them as the store holds them, stream views and past states read the store itself.
        </footer>
      </body>
    </html>
  );
}
