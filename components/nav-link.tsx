'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** A header link that tells assistive tech (aria-current) and the eye which section is open. */
export function NavLink({ href, className, children }: { href: string; className: string; children: ReactNode }) {
  const pathname = usePathname();
  const current =
    href === '/'
      ? pathname === '/' || /^\/accounts\/\d/.test(pathname)
      : href === '/events'
        ? /^\/(events|streams|payments)(\/|$)/.test(pathname)
        : pathname === href;
  return (
    <Link href={href} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </Link>
  );
}
