/** Stack files more than one test runs through the CLI or the image. */

/** A stack whose second network's subnet overlaps the first's: one subnet-overlap error, at line 15 (`back`'s subnet). */
export const OVERLAPPING_STACK = `services:
  web:
    image: nginx:1.27
    networks: [front, back]
networks:
  front:
    driver: overlay
    ipam:
      config:
        - subnet: 10.20.0.0/16
  back:
    driver: overlay
    ipam:
      config:
        - subnet: 10.20.5.0/24
`;
